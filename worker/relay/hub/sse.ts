import type { EventSourceMessage } from 'eventsource-parser';

/**
 * Turns the upstream's SSE events into what the client's format expects. The stream tap parses
 * each upstream event once (reading usage beside it) and hands it here; the writer answers the
 * SSE text to send now. Writers are pure state machines over their own fields, tested directly.
 */
export interface SseWriter {
  /** One upstream event, with its data parsed where it was JSON; answers SSE text (may be ''). */
  write(event: EventSourceMessage, json: Record<string, unknown> | undefined): string;
  /** The upstream stream ended properly: whatever the client's format still needs (e.g. `data: [DONE]`). */
  end(): string;
  /** The upstream stream broke off or ended without its closing event: an error event in the client's format. */
  abort(message: string): string;
}

/** `event: <name>` (when named) and `data:` lines, then the blank line. */
export function sse(data: string, event?: string): string {
  let s = event ? `event: ${event}\n` : '';
  for (const line of data.split('\n')) s += `data: ${line}\n`;
  return `${s}\n`;
}
