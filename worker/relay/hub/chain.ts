/**
 * Two stream writers in a row: the first's SSE text is read as events again and handed to the
 * second (Anthropic events -> chat chunks -> Responses events). Each writer stays a plain state
 * machine over one pair of formats.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SseWriter } from './sse';
import type { Obj } from '../../lib/json';

export class ChainedWriter implements SseWriter {
  private out = '';
  private readonly parser = createParser({ onEvent: (e) => this.forward(e) });

  constructor(
    private readonly first: SseWriter,
    private readonly second: SseWriter,
  ) {}

  private forward(e: EventSourceMessage): void {
    if (e.data === '[DONE]') return;
    let json: Obj | undefined;
    try {
      const parsed: unknown = JSON.parse(e.data);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Obj;
    } catch {
      // not JSON: nothing the second writer reads
    }
    this.out += this.second.write(e, json);
  }

  private through(text: string): string {
    this.parser.feed(text);
    const out = this.out;
    this.out = '';
    return out;
  }

  write(e: EventSourceMessage, json: Obj | undefined): string {
    return this.through(this.first.write(e, json));
  }

  end(): string {
    return this.through(this.first.end()) + this.second.end();
  }

  abort(message: string): string {
    // The first writer's error event is its own format's; the client hears the second's.
    return this.second.abort(message);
  }
}
