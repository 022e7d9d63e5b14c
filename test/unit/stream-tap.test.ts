import { describe, expect, it } from 'vitest';
import { StreamTap, type StreamFormat } from '../../worker/relay/stream-tap';
import { PassThroughWriter } from '../../worker/relay/convert/pass-through';

const tapFor = (format: StreamFormat, clientWantsUsage: boolean) => new StreamTap(format, new PassThroughWriter(format, clientWantsUsage));

const enc = new TextEncoder();
const dec = new TextDecoder();

function run(tap: StreamTap, pieces: string[]): string {
  let out = '';
  for (const p of pieces) out += dec.decode(tap.push(enc.encode(p)));
  return out + dec.decode(tap.end());
}

const chunk = (content: string) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
const usageChunk = JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 3 } } });

describe('StreamTap (OpenAI)', () => {
  it('handles events split across reads and reads usage', () => {
    const tap = tapFor('openai', true);
    const body = `data: ${chunk('Hel')}\n\ndata: ${chunk('lo')}\n\ndata: ${usageChunk}\n\ndata: [DONE]\n\n`;
    const pieces = [body.slice(0, 7), body.slice(7, 40), body.slice(40, 41), body.slice(41)];
    const out = run(tap, pieces);
    expect(tap.state.text).toBe('Hello');
    expect(tap.state.usage).toEqual({ promptTokens: 7, completionTokens: 2, cachedTokens: 3 });
    expect(tap.state.done).toBe(true);
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
    expect(tap.state.text).toBe('a');
    expect(out).toContain('data: {"choices":\ndata: [{"delta":{"content":"a"}}]}');
  });

  it('flushes an event left without its blank line at the end', () => {
    const tap = tapFor('openai', false);
    const out = run(tap, [`data: ${chunk('z')}`]);
    expect(tap.state.text).toBe('z');
    expect(out).toContain('"content":"z"');
  });

  it('counts legacy completion text and tool calls as delivered text', () => {
    const tap = tapFor('openai', false);
    run(tap, [`data: ${JSON.stringify({ choices: [{ text: 'abc' }] })}\n\n`]);
    expect(tap.state.text).toBe('abc');
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
    expect(tap.state.usage).toEqual({ promptTokens: 16, completionTokens: 9, cachedTokens: 4 });
    expect(tap.state.text).toBe('Hi');
    expect(out).toContain('event: message_stop');
  });
});
