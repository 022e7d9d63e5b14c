import type { Usage } from '../billing/charge';
import { readWithin } from '../lib/read-within';
import type { Attempt } from './attempt';
import type { AttemptResult } from './forward';
import { settleServed, settleFailed } from './settle';
import { StreamTap, deliveredParts, type TapState } from './hub/tap';
import { countText } from './prompt/tokenize';

type Ending = 'complete' | 'client_gone' | 'upstream_broken';

/**
 * Passes the upstream's events on as they arrive, through the tap that reads usage. When the
 * stream ends (completed, broken, or abandoned by the client, which also cancels the upstream
 * request) the request is settled after the response, in waitUntil.
 */
export function relayStream(t: Attempt, r: Extract<AttemptResult, { kind: 'ok' }>): Response {
  const { c, a, headers } = t.held;
  const tap = new StreamTap(t.route.reader, t.route.writer());
  const reader = r.response.body!.getReader();
  const idleMs = a.settings.STREAM_IDLE_TIMEOUT_MS;
  let resolveEnded!: (e: Ending) => void;
  const ended = new Promise<Ending>((resolve) => (resolveEnded = resolve));

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Keep reading until there is something to send: a partial event yields no bytes yet.
          for (;;) {
            const { value, done } = await readWithin(reader, idleMs);
            if (done) {
              const rest = tap.end();
              if (rest.length) controller.enqueue(rest);
              controller.close();
              resolveEnded('complete');
              return;
            }
            const out = tap.push(value);
            if (out.length) {
              controller.enqueue(out);
              return;
            }
          }
        } catch {
          // A broken or silent upstream: stop paying for it, and tell the client in its format.
          r.abort.abort(new Error('upstream stream broke or went silent'));
          reader.cancel().catch(() => undefined);
          const rest = tap.end('the upstream stream broke off');
          if (rest.length) controller.enqueue(rest);
          controller.close();
          resolveEnded('upstream_broken');
        }
      },
      cancel() {
        r.abort.abort(new Error('client went away'));
        reader.cancel().catch(() => undefined);
        resolveEnded('client_gone');
      },
    },
    { highWaterMark: 0 },
  );

  c.executionCtx.waitUntil(ended.then((ending) => settleStream(t, tap.state, ending)));
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
  });
}

/** Completion tokens delivered: each part counted on its own, none of the JSON around it. */
const countDelivered = (model: string, state: TapState) =>
  deliveredParts(state).reduce((sum, part) => sum + countText(model, part), 0);

/**
 * A stream that closed properly is billed from the usage it reported (or counted, if none). One
 * that ended otherwise (the client left, the upstream broke off, ended without its closing event
 * or with an error) is billed for the prompt and what was delivered: usage announced at the start
 * is not its final count. A stream that delivered nothing before it broke or erred charges nothing.
 */
function settleStream(t: Attempt, state: TapState, ending: Ending): Promise<unknown> {
  const { c, a } = t.held;
  const outcome = t.outcome;
  const closedProperly = ending === 'complete' && state.closed && !state.errored;
  const delivered = deliveredParts(state).length > 0;
  if (!closedProperly && !delivered && ending !== 'client_gone') {
    const errorCode = state.errored ? 'upstream_stream_error' : 'upstream_stream_broken';
    settleFailed(c, a, { ...outcome, status: 502, errorCode }, true);
    return Promise.resolve();
  }
  const reported = state.usage;
  const usage: Usage =
    closedProperly && reported
      ? reported
      : {
          promptTokens: reported?.promptTokens || t.held.exactPrompt(),
          completionTokens: countDelivered(a.call.model, state),
          cachedTokens: reported?.cachedTokens ?? 0,
        };
  const counted = !(closedProperly && reported);
  const errorCode = closedProperly
    ? null
    : ending === 'client_gone'
      ? 'client_closed'
      : state.errored
        ? 'upstream_stream_error'
        : 'upstream_stream_broken';
  const { settled } = settleServed(c, a, {
    outcome: { ...outcome, errorCode },
    usage,
    counted,
    outputItems: state.outputItems,
  });
  return settled;
}
