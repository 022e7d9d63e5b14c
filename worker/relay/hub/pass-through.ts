import type { EventSourceMessage } from 'eventsource-parser';
import type { StreamFormat } from './tap';
import { anthropicStreamError, geminiStreamError, openAiStreamError, responsesStreamError, sse, type SseWriter } from './sse';

/**
 * The client speaks the upstream's format: events go on as they came, except that an OpenAI
 * client that did not ask for usage gets neither the usage-only chunk the relay asked for nor
 * the `usage: null` fields that come with it.
 */
export class PassThroughWriter implements SseWriter {
  constructor(
    private readonly format: StreamFormat,
    private readonly clientWantsUsage: boolean,
  ) {}

  write(e: EventSourceMessage, json: Record<string, unknown> | undefined): string {
    if (this.format === 'openai' && !this.clientWantsUsage && json) {
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
    if (this.format === 'responses') return responsesStreamError(message);
    if (this.format === 'gemini') return geminiStreamError(message, 502);
    return this.format === 'anthropic' ? anthropicStreamError(message) : openAiStreamError(message);
  }
}
