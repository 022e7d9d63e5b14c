import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { Usage } from '../billing/charge';
import type { SseWriter } from './convert/types';

export type StreamFormat = 'openai' | 'anthropic';

export interface TapState {
  usage: Usage | null;
  /** Completion text delivered so far, for counting when no usage arrives. */
  text: string;
  done: boolean;
}

/**
 * Reads an upstream SSE stream beside the bytes it passes on: usage and the completion text
 * delivered, in the upstream's format. Each event is parsed once and handed to the writer, which
 * answers what the client receives (as it came, or converted to the client's format).
 */
export class StreamTap {
  readonly state: TapState = { usage: null, text: '', done: false };
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private out: string[] = [];

  constructor(
    private readonly format: StreamFormat,
    private readonly writer: SseWriter,
  ) {
    this.parser = createParser({
      onEvent: (e) => this.onEvent(e),
      onComment: (comment) => this.out.push(`: ${comment.trimStart()}\n\n`),
    });
  }

  /** Feeds upstream bytes; answers the bytes to send to the client now (possibly empty). */
  push(chunk: Uint8Array): Uint8Array {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    return this.drain();
  }

  /** Flushes any event left without its closing blank line, then the writer's ending. */
  end(): Uint8Array {
    const rest = this.decoder.decode();
    if (rest) this.parser.feed(rest);
    this.parser.feed('\n\n');
    this.out.push(this.writer.end());
    return this.drain();
  }

  private drain(): Uint8Array {
    const text = this.out.join('');
    this.out = [];
    return text ? this.encoder.encode(text) : new Uint8Array(0);
  }

  private onEvent(e: EventSourceMessage): void {
    let json: Record<string, unknown> | undefined;
    if (e.data === '[DONE]') {
      this.state.done = true;
    } else {
      try {
        const parsed: unknown = JSON.parse(e.data);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
      } catch {
        // not JSON: handed on as it came
      }
      if (json && this.format === 'openai') this.readOpenAi(json);
      else if (json) this.readAnthropic(json);
    }
    this.out.push(this.writer.write(e, json));
  }

  private readOpenAi(chunk: Record<string, unknown>): void {
    const usage = chunk.usage as Record<string, unknown> | null | undefined;
    if (usage) this.state.usage = openAiUsage(usage);
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Record<string, unknown>[]) : [];
    for (const choice of choices) {
      const delta = choice.delta as Record<string, unknown> | undefined;
      if (delta && typeof delta.content === 'string') this.state.text += delta.content;
      if (delta?.tool_calls) this.state.text += JSON.stringify(delta.tool_calls);
      if (typeof choice.text === 'string') this.state.text += choice.text;
    }
  }

  private readAnthropic(ev: Record<string, unknown>): void {
    const type = ev.type;
    if (type === 'message_start') {
      const message = ev.message as Record<string, unknown> | undefined;
      const u = message?.usage as Record<string, unknown> | undefined;
      if (u) this.state.usage = anthropicUsage(u, this.state.usage);
    } else if (type === 'message_delta') {
      const u = ev.usage as Record<string, unknown> | undefined;
      if (u) this.state.usage = anthropicUsage(u, this.state.usage);
    } else if (type === 'content_block_delta') {
      const delta = ev.delta as Record<string, unknown> | undefined;
      if (typeof delta?.text === 'string') this.state.text += delta.text;
      if (typeof delta?.partial_json === 'string') this.state.text += delta.partial_json;
    } else if (type === 'message_stop') {
      this.state.done = true;
    }
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

export function openAiUsage(u: Record<string, unknown>): Usage {
  const details = u.prompt_tokens_details as Record<string, unknown> | undefined;
  return { promptTokens: num(u.prompt_tokens), completionTokens: num(u.completion_tokens), cachedTokens: num(details?.cached_tokens) };
}

/**
 * Anthropic reports input_tokens without the cached part; the contract's P includes cached
 * tokens (K), so P = input + cache_read + cache_creation, K = cache_read.
 */
export function anthropicUsage(u: Record<string, unknown>, prior: Usage | null): Usage {
  const hasInput = 'input_tokens' in u;
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  return {
    promptTokens: hasInput ? num(u.input_tokens) + cacheRead + cacheWrite : (prior?.promptTokens ?? 0),
    completionTokens: 'output_tokens' in u ? num(u.output_tokens) : (prior?.completionTokens ?? 0),
    cachedTokens: hasInput ? cacheRead : (prior?.cachedTokens ?? 0),
  };
}
