// Streaming answers (SSE) and answers cut short, as the scenario plan asks.

import { nextTurn, wait } from './http.mjs';

export const sseData = (payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
export const sseEvent = (payload) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;

/**
 * Writes each event in its own write, pausing `gapMs` (or one event-loop turn) between them.
 * `firstContent` is the index of the first content event: a plan with `cutAfter` drops the
 * connection after that many content events; one with `errorAfter` sends `errorEvent` there and ends.
 */
export async function writeStream(ctx, events, plan, firstContent = 0, errorEvent = '', endOfContent = events.length) {
  const { res } = ctx;
  let list = events;
  let cut = false;
  if (plan.cutAfter !== null) {
    // Cutting after every content chunk keeps whatever follows them, up to the closing events.
    list = events.slice(0, plan.cutAfter >= plan.chunks.length ? endOfContent : firstContent + plan.cutAfter);
    cut = true;
  } else if (plan.errorAfter !== null) {
    list = [...events.slice(0, firstContent + plan.errorAfter), errorEvent];
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (let i = 0; i < list.length; i++) {
    if (i > 0) await (plan.gapMs > 0 ? wait(plan.gapMs, ctx) : nextTurn());
    if (ctx.closed) return;
    res.write(list[i]);
  }
  if (cut && plan.cutByReset) {
    await nextTurn();
    ctx.serverReset = true;
    res.socket?.destroy();
    return;
  }
  res.end();
}

/** A JSON answer whose connection is reset after half of its body. */
export function sendHalfThenReset(ctx, payload) {
  const body = JSON.stringify(payload);
  ctx.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  ctx.res.write(body.slice(0, Math.floor(body.length / 2)));
  setTimeout(() => {
    ctx.serverReset = true;
    ctx.res.socket?.destroy();
  }, 20);
}

export const wantsUsageChunk = (body, plan) => plan.usage !== null && body?.stream_options?.include_usage === true;
