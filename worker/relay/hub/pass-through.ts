import type { EventSourceMessage } from 'eventsource-parser';
import { sse, type SseWriter } from './sse';

/**
 * The client speaks the upstream's format: events go on as they came, except that a client of a
 * format whose usage the relay asked for on its behalf (`dropAskedUsage`: chat and completions
 * streams, when the client did not ask) gets neither the usage-only chunk nor the `usage: null`
 * fields that come with it.
 */
export class PassThroughWriter implements SseWriter {
  constructor(
    private readonly dropAskedUsage: boolean,
    private readonly streamError: (message: string) => string,
  ) {}

  write(e: EventSourceMessage, json: Record<string, unknown> | undefined): string {
    if (this.dropAskedUsage && json) {
      const choices = Array.isArray(json.choices) ? json.choices : [];
      if (json.usage && choices.length === 0) return '';
      if ('usage' in json && json.usage === null) {
        const { usage: _dropped, ...rest } = json;
        return sse(JSON.stringify(rest), e.event);
      }
    }
    return sse(e.data, e.event);
  }

  end(): string {
    return '';
  }

  abort(message: string): string {
    return this.streamError(message);
  }
}
