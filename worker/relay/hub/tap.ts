import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { Usage } from '../../billing/charge';
import type { SseWriter } from './sse';
import { type Obj, isObj } from '../../lib/json';

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

/** What a provider's stream reader writes into: the tap's state, and the completion delivered by part. */
export interface TapSink {
  readonly state: TapState;
  add(part: string, text: unknown): void;
}

/** Reads one parsed upstream event of a format into the tap (usage, delivered parts, how it ended). */
export type StreamReader = (sink: TapSink, event: string | undefined, json: Obj) => void;

/**
 * Reads an upstream SSE stream beside the bytes it passes on: usage, how the stream ended, and
 * the completion delivered, in the upstream's format. Each event is parsed once and handed to the
 * writer, which answers what the client receives (as it came, or converted to the client's format).
 */
export class StreamTap implements TapSink {
  readonly state: TapState = { usage: null, delivered: new Map(), closed: false, errored: false, outputItems: [] };
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private out: string[] = [];

  constructor(
    private readonly reader: StreamReader,
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
    this.out.push(
      proper && brokenOff === null
        ? this.writer.end()
        : this.writer.abort(brokenOff ?? 'the upstream ended the stream early'),
    );
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
      if (json) this.reader(this, e.event, json);
    }
    this.out.push(this.writer.write(e, json));
  }

  add(part: string, text: unknown): void {
    if (typeof text !== 'string' || text === '') return;
    this.state.delivered.set(part, (this.state.delivered.get(part) ?? '') + text);
  }
}
