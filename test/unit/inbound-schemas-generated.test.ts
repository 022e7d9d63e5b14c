import { describe, expect, it } from 'vitest';
import { inboundSchemas } from '../../worker/relay/formats/schemas';
import type { Endpoint } from '../../worker/relay/formats/types';
import { chatToMessagesRequest } from '../../worker/relay/providers/anthropic/hub';
import { messagesToChatRequest } from '../../worker/relay/formats/messages/hub';
import { malformedBodies, type MalformedBody } from '../support/malformed';
import { completionsBodies, embeddingsBodies, FORMATS, type CoveredFormat } from './inbound-bodies';

/** The converter a format's accepted bodies go through when served by the other format. */
const CONVERT: Record<CoveredFormat, (body: Record<string, unknown>) => unknown> = {
  chat: (body) => chatToMessagesRequest(body, 'm'),
  messages: (body) => messagesToChatRequest(body, 'm'),
  completions: (body) => body,
  embeddings: (body) => body,
};

/** Variants no schema may accept. */
const MUST_FAIL = /deleted \(required\)|wrong type|\(body\) <- (wrapped|bare|null|42|\{\})/;

/**
 * Seeds for the generator: each covers the structure of its format (every message role or block
 * kind the converters treat apart, tools, tool calls) with few plain fields, so every schema
 * location gets every hostile value and the count stays at a few hundred per endpoint.
 */
const SEEDS: Record<CoveredFormat, unknown[]> = {
  chat: [
    {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'mp3' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'found' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
        },
        { type: 'web_search_preview' },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      stop: ['END'],
      max_completion_tokens: 64,
      temperature: 0.5,
      n: 1,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-1',
    },
  ],
  completions: [completionsBodies.text, completionsBodies.tokenBatch],
  embeddings: [embeddingsBodies.batch, embeddingsBodies.tokenBatch, embeddingsBodies.tokens],
  messages: [
    {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' }, title: 'Notes' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'found' }],
              is_error: false,
            },
          ],
        },
      ],
      tools: [
        {
          name: 'lookup',
          description: 'Look up',
          input_schema: { type: 'object', properties: { q: { type: 'string' } } },
        },
        { type: 'web_search_20250305', name: 'web_search' },
      ],
      tool_choice: { type: 'auto' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'u-1' },
      stop_sequences: ['END'],
      temperature: 0.5,
      stream: true,
    },
  ],
};

function safeParseOrThrown(format: Endpoint, body: unknown) {
  try {
    return inboundSchemas[format].safeParse(body);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

describe('generated malformed bodies', () => {
  const generated: Record<CoveredFormat, MalformedBody[]> = {
    chat: malformedBodies(inboundSchemas.chat, SEEDS.chat),
    completions: malformedBodies(inboundSchemas.completions, SEEDS.completions),
    embeddings: malformedBodies(inboundSchemas.embeddings, SEEDS.embeddings),
    messages: malformedBodies(inboundSchemas.messages, SEEDS.messages),
  };

  it('are deterministic and of a sensible number', () => {
    for (const format of FORMATS) {
      const again = malformedBodies(inboundSchemas[format], SEEDS[format]);
      expect(again.map((b) => b.name)).toEqual(generated[format].map((b) => b.name));
      expect(new Set(again.map((b) => b.name)).size).toBe(again.length);
      expect(again.length).toBeGreaterThan(50);
      expect(again.length).toBeLessThan(1000);
    }
  });

  for (const format of FORMATS) {
    it(`${format}: never throw; rejections name the field; accepted bodies convert`, () => {
      const problems: string[] = [];
      let accepted = 0;
      for (const { name, body } of generated[format]) {
        const result = safeParseOrThrown(format, body);
        if (result instanceof Error) {
          problems.push(`${name}: safeParse threw ${String(result)}`);
          continue;
        }
        if (!result.success) {
          const issue = result.error.issues[0];
          const fieldLevel = !name.startsWith('(body)') && !name.includes(': (body)');
          if (!issue.message) problems.push(`${name}: rejected without a message`);
          if (fieldLevel && issue.path.length === 0)
            problems.push(`${name}: rejected without naming a field (${issue.message})`);
          continue;
        }
        accepted++;
        if (MUST_FAIL.test(name)) problems.push(`${name}: accepted`);
        try {
          JSON.stringify(CONVERT[format](result.data));
        } catch (e) {
          problems.push(`${name}: converter threw ${String(e)} on ${JSON.stringify(body).slice(0, 300)}`);
        }
      }
      expect(problems).toEqual([]);
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(generated[format].length);
    });
  }
});
