/*
 * Shared fixtures for the messages-via-openai conversion tests: upstream OpenAI chat
 * completions and chunks, and readers for the Anthropic SSE the stream writer emits.
 * (Not a test file itself: vitest collects only *.test.ts.)
 */
import { expect } from 'vitest';
import type { ChatStreamToMessagesWriter } from '../../worker/relay/formats/messages/hub';

export type Obj = Record<string, unknown>;

export interface Ev {
  event: string;
  data: Obj;
}

/** Parses the writer's SSE text into events, checking each one's framing. */
export function parseSse(text: string): Ev[] {
  const events: Ev[] = [];
  for (const raw of text.split('\n\n')) {
    if (!raw.trim()) continue;
    let event = '';
    const data: string[] = [];
    for (const line of raw.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else throw new Error(`unexpected SSE line: ${line}`);
    }
    const json = JSON.parse(data.join('\n')) as Obj;
    expect(json.type).toBe(event);
    events.push({ event, data: json });
  }
  return events;
}

/** Feeds upstream `data:` payloads (JSON text or `[DONE]`) the way the stream tap would. */
export function feed(writer: ChatStreamToMessagesWriter, payloads: string[], callEnd = true): string {
  let out = '';
  for (const data of payloads) {
    let json: Obj | undefined;
    try {
      json = JSON.parse(data) as Obj;
    } catch {
      json = undefined;
    }
    out += writer.write({ data, event: undefined, id: undefined }, json);
  }
  if (callEnd) out += writer.end();
  return out;
}

export const chunk = (delta: Obj, finish: string | null = null, id = 'chatcmpl-abc123') =>
  JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });

export const usageChunk = (prompt: number, completion: number, cached = 0) =>
  JSON.stringify({
    id: 'chatcmpl-abc123',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: cached },
    },
  });

export const names = (evs: Ev[]) => evs.map((e) => e.event);
export const deltas = (evs: Ev[], key: 'text' | 'partial_json') =>
  evs
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => (e.data.delta as Obj)[key])
    .filter((v): v is string => typeof v === 'string')
    .join('');

/** An upstream (OpenAI) non-streaming chat completion around `message`. */
export const completion = (
  message: Obj,
  finish: string | null,
  usage?: Obj,
  id: unknown = 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
): Obj => ({
  id,
  object: 'chat.completion',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', refusal: null, annotations: [], ...message },
      logprobs: null,
      finish_reason: finish,
    },
  ],
  usage: usage ?? {
    prompt_tokens: 12,
    completion_tokens: 5,
    total_tokens: 17,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  },
  system_fingerprint: 'fp_1',
});
