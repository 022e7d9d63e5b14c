import { describe, expect, it } from 'vitest';
import type { EventSourceMessage } from 'eventsource-parser';
import {
  chatToMessagesRequest,
  messageToChatResponse,
  MessagesStreamToChatWriter,
} from '../../worker/relay/providers/anthropic/hub';

describe('chat request -> Anthropic Messages', () => {
  it('moves system messages, merges turns, maps tools, images and limits', () => {
    const out = chatToMessagesRequest(
      {
        model: 'claude-x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'Use metric units.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [
          {
            type: 'function',
            function: {
              name: 'lookup',
              description: 'Look up',
              parameters: { type: 'object', properties: { q: { type: 'string' } } },
            },
          },
        ],
        tool_choice: 'required',
        stop: 'END',
        temperature: 1.5,
        max_completion_tokens: 200,
        stream: true,
        user: 'u-1',
      },
      'claude-upstream',
    );
    expect(out).toEqual({
      model: 'claude-upstream',
      system: 'Be brief.\n\nUse metric units.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'cat' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'a cat' },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
      max_tokens: 200,
      temperature: 1,
      stop_sequences: ['END'],
      tools: [
        {
          name: 'lookup',
          description: 'Look up',
          input_schema: { type: 'object', properties: { q: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
      stream: true,
      metadata: { user_id: 'u-1' },
    });
  });

  it('sets the max_tokens Anthropic requires when the request has none', () => {
    expect(chatToMessagesRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, 'm').max_tokens).toBe(
      4096,
    );
  });
});

describe('Anthropic message -> chat completion', () => {
  it('maps text, tool calls, stop reasons and usage with cached tokens', () => {
    const out = messageToChatResponse(
      {
        id: 'msg_123',
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 20, cache_read_input_tokens: 80, output_tokens: 7 },
      },
      'claude-x',
    );
    expect(out).toMatchObject({
      id: 'chatcmpl-123',
      object: 'chat.completion',
      model: 'claude-x',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
          },
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 7,
        total_tokens: 107,
        prompt_tokens_details: { cached_tokens: 80 },
      },
    });
    expect(messageToChatResponse({ content: [], stop_reason: 'max_tokens' }, 'm')).toMatchObject({
      choices: [{ finish_reason: 'length' }],
    });
  });
});

describe('Anthropic stream -> chat chunks', () => {
  const ev = (data: Record<string, unknown>): [EventSourceMessage, Record<string, unknown>] => [
    { event: String(data.type), data: JSON.stringify(data), id: undefined },
    data,
  ];

  function run(writer: MessagesStreamToChatWriter, events: Record<string, unknown>[]) {
    let out = events.map((e) => writer.write(...ev(e))).join('');
    out += writer.end();
    const datas = out
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6));
    return { datas, chunks: datas.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>) };
  }

  const stream = [
    { type: 'message_start', message: { id: 'msg_9', usage: { input_tokens: 12, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_2', name: 'f', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
    { type: 'message_stop' },
  ];

  it('streams text and tool calls as chunks, ends with the finish reason and [DONE] once', () => {
    const { datas, chunks } = run(new MessagesStreamToChatWriter('claude-x', false), stream);
    type Choice = {
      delta: {
        content?: string;
        role?: string;
        tool_calls?: { index: number; id?: string; function: { name?: string; arguments: string } }[];
      };
      finish_reason: string | null;
    };
    const choices = chunks.map((c) => (c.choices as Choice[])[0]);
    expect(choices[0].delta.role).toBe('assistant');
    expect(choices.map((c) => c.delta.content ?? '').join('')).toBe('Hello');
    const calls = choices.flatMap((c) => c.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: 'toolu_2', function: { name: 'f' } });
    expect(calls.map((t) => t.function.arguments).join('')).toBe('{"a":1}');
    expect(choices.filter((c) => c.finish_reason !== null).map((c) => c.finish_reason)).toEqual(['tool_calls']);
    expect(datas.filter((d) => d === '[DONE]')).toHaveLength(1);
    expect(datas[datas.length - 1]).toBe('[DONE]');
    expect(chunks.every((c) => c.id === 'chatcmpl-9' && c.model === 'claude-x')).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('adds the usage chunk for a client that asked for it', () => {
    const { chunks } = run(new MessagesStreamToChatWriter('claude-x', true), stream);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 });
  });

  it('closes a stream that ended without message_stop', () => {
    const { datas, chunks } = run(new MessagesStreamToChatWriter('m', false), stream.slice(0, 4));
    expect(datas[datas.length - 1]).toBe('[DONE]');
    expect(
      chunks.filter((c) => ((c.choices as { finish_reason: string | null }[])[0]?.finish_reason ?? null) === 'stop'),
    ).toHaveLength(1);
  });
});
