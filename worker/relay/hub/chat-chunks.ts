/**
 * The one writer of OpenAI chat.completion.chunk events, the hub's stream form: every provider's
 * stream converter (providers/<type>/hub.ts) emits its chunks through it.
 */
import { sse } from './sse';
import type { Obj } from '../../lib/json';

export class ChatChunks {
  /** Set from the upstream's own id once it is known, before the first chunk goes out. */
  id: string;
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly model: string,
    /** The client asked for usage: every chunk carries `usage: null`, and a usage-only chunk closes the stream. */
    private readonly clientWantsUsage: boolean,
    id: string,
  ) {
    this.id = id;
  }

  /** One choice's delta, with its finish reason when it ends. */
  delta(index: number, delta: Obj, finish: string | null = null): string {
    const body: Obj = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    };
    if (this.clientWantsUsage) body.usage = null;
    return sse(JSON.stringify(body));
  }

  /** The usage-only chunk, where the client asked for it; then `[DONE]`. */
  close(usage: Obj | null): string {
    const usageChunk =
      this.clientWantsUsage && usage
        ? sse(
            JSON.stringify({
              id: this.id,
              object: 'chat.completion.chunk',
              created: this.created,
              model: this.model,
              choices: [],
              usage,
            }),
          )
        : '';
    return `${usageChunk}${sse('[DONE]')}`;
  }
}
