import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { Usage } from '../billing/charge';

export type StreamFormat = 'openai' | 'anthropic';

export interface TapState {
  usage: Usage | null;
  /** Completion text delivered so far, for counting when no usage arrives. */
  text: string;
  done: boolean;
  sawError: boolean;
}

/**
 * Reads an upstream SSE stream beside the bytes it passes on. It re-emits each event as it
 * arrives; for an OpenAI stream whose client did not ask for usage, it drops the extra
 * usage-only chunk the relay asked for (and the `usage: null` fields that come with it).
 */
export class StreamTap {
  readonly state: TapState = { usage: null, text: '', done: false, sawError: false };
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private out: string[] = [];

  constructor(
    private readonly format: StreamFormat,
    private readonly clientWantsUsage: boolean,
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

  /** Flushes any event left without its closing blank line. */
  end(): Uint8Array {
    const rest = this.decoder.decode();
    if (rest) this.parser.feed(rest);
    this.parser.feed('\n\n');
    return this.drain();
  }

  private drain(): Uint8Array {
    if (this.out.length === 0) return new Uint8Array(0);
    const bytes = this.encoder.encode(this.out.join(''));
    this.out = [];
    return bytes;
  }

  private emit(e: EventSourceMessage, data: string): void {
    let s = '';
    if (e.event) s += `event: ${e.event}\n`;
    if (e.id) s += `id: ${e.id}\n`;
    for (const line of data.split('\n')) s += `data: ${line}\n`;
    this.out.push(`${s}\n`);
  }

  private onEvent(e: EventSourceMessage): void {
    if (e.data === '[DONE]') {
      this.state.done = true;
      this.emit(e, e.data);
      return;
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      this.emit(e, e.data);
      return;
    }
    if (this.format === 'openai') this.onOpenAiChunk(e, json);
    else this.onAnthropicEvent(e, json);
  }

  private onOpenAiChunk(e: EventSourceMessage, chunk: Record<string, unknown>): void {
    if (chunk.error) this.state.sawError = true;
    const usage = chunk.usage as Record<string, unknown> | null | undefined;
    if (usage) this.state.usage = openAiUsage(usage);
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Record<string, unknown>[]) : [];
    for (const choice of choices) {
      const delta = choice.delta as Record<string, unknown> | undefined;
      if (delta && typeof delta.content === 'string') this.state.text += delta.content;
      if (delta?.tool_calls) this.state.text += JSON.stringify(delta.tool_calls);
      if (typeof choice.text === 'string') this.state.text += choice.text;
    }
    if (this.clientWantsUsage) {
      this.emit(e, e.data);
      return;
    }
    if (usage && choices.length === 0) return; // the usage-only chunk the client did not ask for
    if ('usage' in chunk && chunk.usage === null) {
      const { usage: _dropped, ...rest } = chunk;
      this.emit(e, JSON.stringify(rest));
      return;
    }
    this.emit(e, e.data);
  }

  private onAnthropicEvent(e: EventSourceMessage, ev: Record<string, unknown>): void {
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
    } else if (type === 'error') {
      this.state.sawError = true;
    }
    this.emit(e, e.data);
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
