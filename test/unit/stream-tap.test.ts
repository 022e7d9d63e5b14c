import { describe, expect, it } from 'vitest';
import { StreamTap, deliveredParts } from '../../worker/relay/hub/tap';
import { PassThroughWriter } from '../../worker/relay/hub/pass-through';
import { routeFor } from '../../worker/relay/hub/route';
import type { ChannelRecord } from '../../worker/db/snapshots';
import type { Endpoint } from '../../worker/relay/formats';

/** The tap and writer of a native route, as the relay builds them for a channel of the type. */
function tapFor(type: 'openai' | 'anthropic', clientWantsUsage: boolean): StreamTap {
  const endpoint: Endpoint = type === 'openai' ? 'chat' : 'messages';
  const channel: ChannelRecord = {
    id: 1,
    name: 'c',
    type,
    baseUrl: 'http://upstream',
    keysSealed: '',
    keyCount: 1,
    models: ['m'],
    modelMapping: null,
    servesResponses: true,
    groups: ['default'],
    priority: 0,
    weight: 1,
    status: 'enabled',
    health: { state: 'closed', openedAt: null },
  };
  const route = routeFor(
    endpoint,
    channel,
    { body: {}, model: 'm', stream: true, clientWantsUsage, maxCompletion: null, choices: 1 },
    'm',
  );
  return new StreamTap(route.reader, route.writer());
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function run(tap: StreamTap, pieces: string[]): string {
  let out = '';
  for (const p of pieces) out += dec.decode(tap.push(enc.encode(p)));
  return out + dec.decode(tap.end());
}

const chunk = (content: string) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
const text = (tap: StreamTap) => deliveredParts(tap.state).join('|');
const usageChunk = JSON.stringify({
  id: 'c',
  object: 'chat.completion.chunk',
  choices: [],
  usage: { prompt_tokens: 7, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 3 } },
});

describe('StreamTap (OpenAI)', () => {
  it('handles events split across reads and reads usage', () => {
    const tap = tapFor('openai', true);
    const body = `data: ${chunk('Hel')}\n\ndata: ${chunk('lo')}\n\ndata: ${usageChunk}\n\ndata: [DONE]\n\n`;
    const pieces = [body.slice(0, 7), body.slice(7, 40), body.slice(40, 41), body.slice(41)];
    const out = run(tap, pieces);
    expect(text(tap)).toBe('Hello');
    expect(tap.state.usage).toEqual({ promptTokens: 7, completionTokens: 2, cachedTokens: 3 });
    expect(tap.state.closed).toBe(true);
    expect(tap.state.errored).toBe(false);
    expect(out).toContain('"usage"');
    expect(out.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('drops the usage-only chunk and usage:null fields when the client did not ask', () => {
    const tap = tapFor('openai', false);
    const withNull = JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'x' } }], usage: null });
    const out = run(tap, [`data: ${withNull}\n\n`, `data: ${usageChunk}\n\n`, 'data: [DONE]\n\n']);
    expect(out).not.toContain('usage');
    expect(tap.state.usage?.promptTokens).toBe(7);
    expect(out).toContain('"content":"x"');
  });

  it('passes comments and keeps multi-line data lines', () => {
    const tap = tapFor('openai', false);
    const out = run(tap, [': keep-alive\n\n', 'data: {"choices":\ndata: [{"delta":{"content":"a"}}]}\n\n']);
    expect(out).toContain(': keep-alive');
    expect(text(tap)).toBe('a');
    expect(out).toContain('data: {"choices":\ndata: [{"delta":{"content":"a"}}]}');
  });

  it('flushes an event left without its blank line at the end', () => {
    const tap = tapFor('openai', false);
    const out = run(tap, [`data: ${chunk('z')}`]);
    expect(text(tap)).toBe('z');
    expect(out).toContain('"content":"z"');
  });

  it('counts legacy completion text as delivered', () => {
    const tap = tapFor('openai', false);
    run(tap, [`data: ${JSON.stringify({ choices: [{ text: 'abc' }] })}\n\n`]);
    expect(text(tap)).toBe('abc');
  });

  it('counts reasoning and tool calls part by part: names and arguments, none of the JSON around them', () => {
    const tap = tapFor('openai', false);
    const delta = (d: Record<string, unknown>) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: d }] })}\n\n`;
    const out = run(tap, [
      delta({ reasoning_content: 'Think' }),
      delta({ reasoning_content: 'ing.' }),
      delta({
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
      }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      delta({
        tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
      }),
    ]);
    expect(deliveredParts(tap.state)).toEqual(['Thinking.', 'get_weather', '{"city":"Paris"}', 'get_time', '{}']);
    expect([...tap.state.delivered.keys()]).toEqual([
      '0:reasoning',
      '0:tool0:name',
      '0:tool0:args',
      '0:tool1:name',
      '0:tool1:args',
    ]);
    expect(tap.state.closed).toBe(false);
    // the tool-call chunks reach the client as they came
    expect(out).toContain(JSON.stringify({ index: 0, function: { arguments: '{"city":' } }));
    expect(out).toContain('"id":"call_2"');
  });

  it('notes an error event, and a stream that ends without [DONE] is answered with an error event', () => {
    const tap = tapFor('openai', false);
    const out = run(tap, [`data: ${chunk('partial')}\n\n`]);
    expect(tap.state.closed).toBe(false);
    expect(out).toContain('"error"');
    const erred = tapFor('openai', false);
    run(erred, [`data: ${JSON.stringify({ error: { message: 'boom', type: 'server_error' } })}\n\n`]);
    expect(erred.state.errored).toBe(true);
    expect(deliveredParts(erred.state)).toEqual([]);
  });
});

describe('StreamTap (Anthropic)', () => {
  it('reads input and output tokens from message_start and message_delta', () => {
    const tap = tapFor('anthropic', false);
    const events = [
      `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 12, cache_read_input_tokens: 4, output_tokens: 1 } } })}\n\n`,
      `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'Hi' } })}\n\n`,
      `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 9 } })}\n\n`,
      `event: message_stop\ndata: ${JSON.stringify({ type: 'message_stop' })}\n\n`,
    ];
    const out = run(tap, events);
    expect(tap.state.usage).toEqual({
      promptTokens: 16,
      completionTokens: 9,
      cachedTokens: 4,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
    });
    expect(text(tap)).toBe('Hi');
    expect(tap.state.closed).toBe(true);
    expect(out).toContain('event: message_stop');
  });

  it("counts thinking, text and a tool call's name and arguments; the start's usage is not final", () => {
    const tap = tapFor('anthropic', false);
    const ev = (e: Record<string, unknown>) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`;
    const out = run(tap, [
      ev({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } }),
      ev({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Sure' } }),
      ev({
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
      }),
      ev({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } }),
      ev({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } }),
    ]);
    expect(deliveredParts(tap.state)).toEqual(['Hmm.', 'Sure', 'get_weather', '{"city":"Oslo"}']);
    expect(tap.state.delivered.get('2:name')).toBe('get_weather');
    expect(tap.state.delivered.get('2:args')).toBe('{"city":"Oslo"}');
    expect(tap.state.closed).toBe(false);
    expect(tap.state.usage?.completionTokens).toBe(1);
    expect(out).toContain('event: error');
  });
});
