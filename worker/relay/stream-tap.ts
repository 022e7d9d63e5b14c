import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { Usage } from '../billing/charge';
import type { SseWriter } from './convert/types';

export type StreamFormat = 'openai' | 'anthropic' | 'responses' | 'gemini';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export interface TapState {
  /** The latest usage the upstream reported; final only once the stream closed properly. */
  usage: Usage | null;
  /**
   * What reached the client, by part (text, reasoning, each tool call's name and arguments), so
   * each part is counted on its own and none of the JSON around it is.
   */
  delivered: Map<string, string>;
  /** The upstream's closing event arrived (`[DONE]`, `message_stop`). */
  closed: boolean;
  /** The upstream sent an error event. */
  errored: boolean;
  /** The type of each output item the upstream started (Responses streams: built-in tool calls are billed per call). */
  outputItems: string[];
}

/** Completion text delivered so far, part by part. */
export const deliveredParts = (state: TapState): string[] => [...state.delivered.values()].filter((t) => t.length > 0);

/**
 * Reads an upstream SSE stream beside the bytes it passes on: usage, how the stream ended, and
 * the completion delivered, in the upstream's format. Each event is parsed once and handed to the
 * writer, which answers what the client receives (as it came, or converted to the client's format).
 */
export class StreamTap {
  readonly state: TapState = { usage: null, delivered: new Map(), closed: false, errored: false, outputItems: [] };
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

  /**
   * The upstream's bytes ended (or broke off). Flushes any event left without its closing blank
   * line, then the writer's ending: its closing events when the upstream closed properly, or an
   * error event in the client's format when it did not.
   */
  end(brokenOff: string | null = null): Uint8Array {
    const rest = this.decoder.decode();
    if (rest) this.parser.feed(rest);
    this.parser.feed('\n\n');
    const proper = this.state.closed || this.state.errored;
    this.out.push(proper && brokenOff === null ? this.writer.end() : this.writer.abort(brokenOff ?? 'the upstream ended the stream early'));
    return this.drain();
  }

  private drain(): Uint8Array {
    const text = this.out.join('');
    this.out = [];
    return text ? this.encoder.encode(text) : new Uint8Array(0);
  }

  private onEvent(e: EventSourceMessage): void {
    let json: Obj | undefined;
    if (e.data === '[DONE]') {
      this.state.closed = true;
    } else {
      try {
        const parsed: unknown = JSON.parse(e.data);
        if (isObj(parsed)) json = parsed;
      } catch {
        // not JSON: handed on as it came
      }
      if (json && this.format === 'openai') this.readOpenAi(json);
      else if (json && this.format === 'responses') this.readResponses(e.event, json);
      else if (json && this.format === 'gemini') this.readGemini(json);
      else if (json) this.readAnthropic(e.event, json);
    }
    this.out.push(this.writer.write(e, json));
  }

  private add(part: string, text: unknown): void {
    if (typeof text !== 'string' || text === '') return;
    this.state.delivered.set(part, (this.state.delivered.get(part) ?? '') + text);
  }

  private readOpenAi(chunk: Obj): void {
    if (isObj(chunk.error)) this.state.errored = true;
    if (isObj(chunk.usage)) this.state.usage = openAiUsage(chunk.usage);
    for (const choice of objs(chunk.choices)) {
      const n = typeof choice.index === 'number' ? choice.index : 0;
      const delta = isObj(choice.delta) ? choice.delta : {};
      this.add(`${n}:text`, delta.content);
      this.add(`${n}:text`, choice.text);
      this.add(`${n}:refusal`, delta.refusal);
      this.add(`${n}:reasoning`, delta.reasoning_content);
      this.add(`${n}:reasoning`, delta.reasoning);
      for (const call of objs(delta.tool_calls)) {
        const fn = isObj(call.function) ? call.function : {};
        const i = typeof call.index === 'number' ? call.index : 0;
        this.add(`${n}:tool${i}:name`, fn.name);
        this.add(`${n}:tool${i}:args`, fn.arguments);
      }
      if (isObj(delta.function_call)) {
        this.add(`${n}:fn:name`, delta.function_call.name);
        this.add(`${n}:fn:args`, delta.function_call.arguments);
      }
    }
  }

  /** OpenAI Responses events: deltas by output item, usage and the end in response.completed. */
  private readResponses(event: string | undefined, ev: Obj): void {
    const type = ev.type ?? event;
    const i = typeof ev.output_index === 'number' ? ev.output_index : 0;
    if (type === 'response.output_text.delta' || type === 'response.refusal.delta') this.add(`${i}:text`, ev.delta);
    else if (type === 'response.reasoning_summary_text.delta' || type === 'response.reasoning_text.delta') this.add(`${i}:reasoning`, ev.delta);
    else if (type === 'response.function_call_arguments.delta') this.add(`${i}:args`, ev.delta);
    else if (type === 'response.output_item.added' && isObj(ev.item)) {
      if (typeof ev.item.type === 'string') this.state.outputItems.push(ev.item.type);
      if (ev.item.type === 'function_call') this.add(`${i}:name`, ev.item.name);
    }
    else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      const response = isObj(ev.response) ? ev.response : {};
      if (isObj(response.usage)) this.state.usage = responsesUsage(response.usage);
      if (type === 'response.failed') this.state.errored = true;
      else this.state.closed = true;
    } else if (type === 'error') {
      this.state.errored = true;
    }
  }

  /** Gemini chunks (GenerateContentResponse each): usage in every chunk, the end a finishReason; the body simply ends after it. */
  private readGemini(chunk: Obj): void {
    if (isObj(chunk.error)) this.state.errored = true;
    if (isObj(chunk.usageMetadata)) this.state.usage = geminiUsage(chunk.usageMetadata);
    for (const candidate of objs(chunk.candidates)) {
      const n = typeof candidate.index === 'number' ? candidate.index : 0;
      const content = isObj(candidate.content) ? candidate.content : {};
      objs(content.parts).forEach((p, i) => {
        this.add(`${n}:${p.thought === true ? 'reasoning' : 'text'}`, p.text);
        if (isObj(p.functionCall)) {
          this.add(`${n}:call${i}:name`, p.functionCall.name);
          this.add(`${n}:call${i}:args`, JSON.stringify(p.functionCall.args ?? {}));
        }
      });
      if (typeof candidate.finishReason === 'string') this.state.closed = true;
    }
  }

  private readAnthropic(event: string | undefined, ev: Obj): void {
    const type = ev.type ?? event;
    const i = typeof ev.index === 'number' ? ev.index : 0;
    if (type === 'message_start') {
      const message = isObj(ev.message) ? ev.message : {};
      if (isObj(message.usage)) this.state.usage = anthropicUsage(message.usage, this.state.usage);
    } else if (type === 'message_delta') {
      if (isObj(ev.usage)) this.state.usage = anthropicUsage(ev.usage, this.state.usage);
    } else if (type === 'content_block_start') {
      const block = isObj(ev.content_block) ? ev.content_block : {};
      this.add(`${i}:name`, block.name);
      this.add(`${i}:text`, block.text);
      this.add(`${i}:text`, block.thinking);
    } else if (type === 'content_block_delta') {
      const delta = isObj(ev.delta) ? ev.delta : {};
      this.add(`${i}:text`, delta.text);
      this.add(`${i}:text`, delta.thinking);
      this.add(`${i}:args`, delta.partial_json);
    } else if (type === 'message_stop') {
      this.state.closed = true;
    } else if (type === 'error') {
      this.state.errored = true;
    }
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

export function openAiUsage(u: Obj): Usage {
  const details = isObj(u.prompt_tokens_details) ? u.prompt_tokens_details : undefined;
  return { promptTokens: num(u.prompt_tokens), completionTokens: num(u.completion_tokens), cachedTokens: num(details?.cached_tokens) };
}

/** Responses usage: input_tokens include the cached ones, output_tokens the reasoning ones. */
export function responsesUsage(u: Obj): Usage {
  const details = isObj(u.input_tokens_details) ? u.input_tokens_details : undefined;
  return { promptTokens: num(u.input_tokens), completionTokens: num(u.output_tokens), cachedTokens: num(details?.cached_tokens) };
}

/**
 * Gemini: promptTokenCount includes the cached tokens (and tool-use prompts are prompt too);
 * thinking tokens are billed as completion.
 */
export function geminiUsage(u: Obj): Usage {
  return {
    promptTokens: num(u.promptTokenCount) + num(u.toolUsePromptTokenCount),
    completionTokens: num(u.candidatesTokenCount) + num(u.thoughtsTokenCount),
    cachedTokens: num(u.cachedContentTokenCount),
  };
}

/**
 * Anthropic reports input_tokens without the cached part; the contract's P includes cached
 * tokens (K), so P = input + cache_read + cache_creation, K = cache_read.
 */
export function anthropicUsage(u: Obj, prior: Usage | null): Usage {
  const hasInput = 'input_tokens' in u;
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  return {
    promptTokens: hasInput ? num(u.input_tokens) + cacheRead + cacheWrite : (prior?.promptTokens ?? 0),
    completionTokens: 'output_tokens' in u ? num(u.output_tokens) : (prior?.completionTokens ?? 0),
    cachedTokens: hasInput ? cacheRead : (prior?.cachedTokens ?? 0),
  };
}
