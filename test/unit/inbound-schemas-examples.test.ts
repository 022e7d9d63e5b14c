import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  chatRequest,
  completionsRequest,
  embeddingsRequest,
  inboundSchemas,
  messagesRequest,
} from '../../worker/relay/formats/schemas';
import { chatToMessagesRequest } from '../../worker/relay/providers/anthropic/hub';
import { messagesToChatRequest } from '../../worker/relay/formats/messages/hub';
import { chatBodies, FORMATS, messagesBodies, VALID } from './inbound-bodies';

/** What the relay answers for a rejected body. */
function firstError(schema: z.ZodType, body: unknown): string | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('inbound schemas accept realistic bodies', () => {
  for (const format of FORMATS) {
    for (const [name, body] of Object.entries(VALID[format])) {
      it(`${format}: ${name}`, () => {
        const result = inboundSchemas[format].safeParse(body);
        expect(result.success ? null : result.error.issues).toBeNull();
        // loose: nothing dropped, nothing added, unknown fields untouched
        expect(result.data).toEqual(body);
      });
    }
  }

  it('the converted bodies of valid requests serialize', () => {
    for (const body of Object.values(chatBodies))
      expect(() => JSON.stringify(chatToMessagesRequest(chatRequest.parse(body), 'm'))).not.toThrow();
    for (const body of Object.values(messagesBodies))
      expect(() => JSON.stringify(messagesToChatRequest(messagesRequest.parse(body), 'm'))).not.toThrow();
  });
});

/* ----------------------------------------------------- the issue's examples */

describe('inbound schemas reject malformed bodies, naming the field', () => {
  const chat = (extra: Record<string, unknown>) => ({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });

  it.each([
    ['content {} in a message', chat({ messages: [{ role: 'user', content: {} }] }), /^messages\.0\.content: /],
    ['n 1e308', chat({ n: 1e308 }), /^n: Too big/],
    [
      'max_completion_tokens "\\u0000\\ud800"',
      chat({ max_completion_tokens: '\u0000\ud800' }),
      /^max_completion_tokens: .*expected number/,
    ],
    [
      'a part whose type is not an identifier',
      chat({ messages: [{ role: 'user', content: [{ type: 'no such type!', url: 'x' }] }] }),
      /^messages\.0\.content\.0\.type: /,
    ],
    [
      'a part with a bad field',
      chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 5 } }] }] }),
      /^messages\.0\.content\.0\.image_url\.url: /,
    ],
    ['an unknown role', chat({ messages: [{ role: 'robot', content: 'x' }] }), /^messages\.0\.role: /],
    [
      'tool arguments as an object',
      chat({
        messages: [
          { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] },
        ],
      }),
      /^messages\.0\.tool_calls\.0\.function\.arguments: /,
    ],
    [
      'a tool message without tool_call_id',
      chat({ messages: [{ role: 'tool', content: 'x' }] }),
      /^messages\.0\.tool_call_id: /,
    ],
    ['five stop strings', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), /^stop: Too big/],
    ['temperature 3', chat({ temperature: 3 }), /^temperature: Too big/],
    [
      'a function tool without a name',
      chat({ tools: [{ type: 'function', function: {} }] }),
      /^tools\.0\.function\.name: /,
    ],
    ['tool_choice "sometimes"', chat({ tool_choice: 'sometimes' }), /^tool_choice: /],
    ['an empty messages array', chat({ messages: [] }), /^messages: Too small/],
    ['a model with a NUL', chat({ model: 'gpt\u0000' }), /^model: /],
  ])('chat: %s', (_name, body, expected) => {
    expect(firstError(chatRequest, body)).toMatch(expected);
  });

  it.each([
    ['a prompt of mixed types', { model: 'm', prompt: [1, 'a'] }, /^prompt\.1: /],
    ['an empty prompt array', { model: 'm', prompt: [] }, /^prompt: /],
    ['logprobs 6', { model: 'm', prompt: 'x', logprobs: 6 }, /^logprobs: Too big/],
  ])('completions: %s', (_name, body, expected) => {
    expect(firstError(completionsRequest, body)).toMatch(expected);
  });

  it.each([
    ['input {}', { model: 'm', input: {} }, /^input: /],
    ['an empty input string', { model: 'm', input: '' }, /^input: Too small/],
    ['a number among strings', { model: 'm', input: ['a', 5] }, /^input\.1: /],
    ['2049 inputs', { model: 'm', input: Array.from({ length: 2049 }, () => 'a') }, /^input: Too big/],
    ['encoding_format "int8"', { model: 'm', input: 'a', encoding_format: 'int8' }, /^encoding_format: /],
  ])('embeddings: %s', (_name, body, expected) => {
    expect(firstError(embeddingsRequest, body)).toMatch(expected);
  });

  const msgs = (extra: Record<string, unknown>) => ({
    model: 'claude',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
  it.each([
    ['no max_tokens', { model: 'claude', messages: [{ role: 'user', content: 'hi' }] }, /^max_tokens: /],
    ['content {}', msgs({ messages: [{ role: 'user', content: {} }] }), /^messages\.0\.content: /],
    ['a system role', msgs({ messages: [{ role: 'system', content: 'x' }] }), /^messages\.0\.role: /],
    [
      'an image of an unknown media type',
      msgs({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }],
          },
        ],
      }),
      /^messages\.0\.content\.0\.source\.media_type: /,
    ],
    [
      'tool_use input as a string',
      msgs({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }] }] }),
      /^messages\.0\.content\.0\.input: /,
    ],
    [
      'a bad block inside a tool_result',
      msgs({
        messages: [
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 1 }] }] },
        ],
      }),
      /^messages\.0\.content\.0\.content\.0\.text: /,
    ],
    ['temperature 1.5', msgs({ temperature: 1.5 }), /^temperature: Too big/],
    ['a custom tool without input_schema', msgs({ tools: [{ name: 'f' }] }), /^tools\.0\.input_schema: /],
    [
      'budget_tokens 100',
      msgs({ thinking: { type: 'enabled', budget_tokens: 100 } }),
      /^thinking\.budget_tokens: Too small/,
    ],
    ['tool_choice tool without a name', msgs({ tool_choice: { type: 'tool' } }), /^tool_choice\.name: /],
    ['a system block without text', msgs({ system: [{ type: 'text' }] }), /^system\.0\.text: /],
  ])('messages: %s', (_name, body, expected) => {
    expect(firstError(messagesRequest, body)).toMatch(expected);
  });
});
