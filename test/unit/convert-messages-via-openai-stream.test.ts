import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ChatStreamToMessagesWriter, chatResponseToMessage } from '../../worker/relay/formats/messages/hub';
import { chunk, completion, deltas, feed, names, parseSse, usageChunk, type Obj } from './messages-via-openai-fixtures';

describe('ChatStreamToMessagesWriter', () => {
  it('converts a text-only stream', () => {
    const w = new ChatStreamToMessagesWriter('claude-haiku-4-5');
    const out = feed(w, [
      chunk({ role: 'assistant', content: '', refusal: null }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo, ' }),
      chunk({ content: 'world' }),
      chunk({}, 'stop'),
      '[DONE]',
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(evs[0].data.message).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    });
    expect(evs[1].data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(evs[2].data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    expect(evs[5].data).toEqual({ type: 'content_block_stop', index: 0 });
    expect(deltas(evs, 'text')).toBe('Hello, world');
    expect((evs[6].data.delta as Obj).stop_reason).toBe('end_turn');
    expect(out).not.toContain('[DONE]');
    expect(w.end()).toBe('');
  });

  it('converts a tool call whose arguments arrive in 3 fragments', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const args = ['{"city"', ': "Par', 'is"}'];
    const out = feed(w, [
      chunk({ role: 'assistant', content: null }),
      chunk({ content: 'Checking.' }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      }),
      ...args.map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
      chunk({}, 'tool_calls'),
      usageChunk(80, 20),
      '[DONE]',
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(evs[4].data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', input: {} },
    });
    expect(evs.slice(5, 8).map((e) => e.data.index)).toEqual([1, 1, 1]);
    expect((evs[5].data.delta as Obj).type).toBe('input_json_delta');
    expect(deltas(evs, 'partial_json')).toBe(args.join(''));
    expect(deltas(evs, 'text')).toBe('Checking.');
    expect(evs[8].data).toEqual({ type: 'content_block_stop', index: 1 });
    expect(evs[9].data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 20, input_tokens: 80 },
    });
  });

  it('opens one tool_use block per tool call index', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const out = feed(w, [
      chunk({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] }),
      chunk({
        tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"y":' } }],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '2}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const starts = evs.filter((e) => e.event === 'content_block_start').map((e) => e.data);
    expect(starts.map((s) => s.index)).toEqual([0, 1]);
    expect(starts.map((s) => (s.content_block as Obj).id)).toEqual(['call_a', 'call_b']);
    expect(
      deltas(
        evs.filter((e) => e.data.index === 1),
        'partial_json',
      ),
    ).toBe('{"y":2}');
  });

  it('finishes on the usage chunk, reports cached tokens, and ignores the [DONE] after it', () => {
    const w = new ChatStreamToMessagesWriter('c');
    let out = feed(
      w,
      [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, 'length'), usageChunk(1200, 16, 1024)],
      false,
    );
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(evs[4].data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { output_tokens: 16, input_tokens: 176, cache_read_input_tokens: 1024 },
    });
    out = feed(w, ['[DONE]']);
    expect(out).toBe('');
  });

  it('closes a stream that ends without [DONE] or usage via end()', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const out = feed(w, [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'partial ans' }),
      chunk({ content: 'wer' }),
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(deltas(evs, 'text')).toBe('partial answer');
    expect(evs[5].data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 0, input_tokens: 0 },
    });
    expect(names(evs).filter((n) => n === 'message_stop')).toHaveLength(1);
    expect(out).not.toContain('[DONE]');
  });

  it('keeps a well-formed message for an empty upstream stream, and ignores non-JSON data', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const evs = parseSse(feed(w, ['not json', '']));
    expect(names(evs)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('turns an upstream error chunk into an Anthropic error event and stops', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const out = feed(w, [
      chunk({ content: 'a' }),
      JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }),
      chunk({ content: 'b' }),
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(evs[3].data).toEqual({ type: 'error', error: { type: 'api_error', message: 'overloaded' } });
  });
});

/* ------------------------------------------- the official SDK reads the output */

function sdkClient(body: string, contentType: string): Anthropic {
  return new Anthropic({
    apiKey: 'test',
    baseURL: 'http://relay.test',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': contentType } }),
  });
}

describe('@anthropic-ai/sdk accepts the converted output', () => {
  it('accumulates a streamed text + tool_use message', async () => {
    const w = new ChatStreamToMessagesWriter('claude-sonnet-4-5');
    const sseText = feed(w, [
      chunk({ role: 'assistant', content: 'Sure.' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(50, 9, 10),
      '[DONE]',
    ]);
    const stream = sdkClient(sseText, 'text/event-stream').messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    });
    const msg = await stream.finalMessage();
    expect(msg.content).toEqual([
      { type: 'text', text: 'Sure.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage.input_tokens).toBe(40);
    expect(msg.usage.output_tokens).toBe(9);
    expect(msg.usage.cache_read_input_tokens).toBe(10);
  });

  it('parses a converted non-streaming response', async () => {
    const body = JSON.stringify(chatResponseToMessage(completion({ content: 'Hello.' }, 'stop'), 'claude-sonnet-4-5'));
    const msg = await sdkClient(body, 'application/json').messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello.' }]);
    expect(msg.stop_reason).toBe('end_turn');
  });
});
