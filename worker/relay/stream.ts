import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { Usage } from '../billing/charge';
import type { ChannelRecord } from '../db/snapshots';
import type { Admitted } from './admission';
import type { AttemptResult } from './forward';
import { providerFor } from './providers';
import { settleServed, settleFailed, type Outcome } from './settle';
import { StreamTap } from './stream-tap';
import type { UpstreamRoute } from './route';
import { countText } from './tokenize';

type Ending = 'complete' | 'client_gone' | 'upstream_broken';

/**
 * Passes the upstream's events on as they arrive, through the tap that reads usage. When the
 * stream ends (completed, broken, or abandoned by the client, which also cancels the upstream
 * request) the request is settled after the response, in waitUntil.
 */
export function relayStream(
  c: Context<AppEnv>, a: Admitted, ch: ChannelRecord, route: UpstreamRoute, r: Extract<AttemptResult, { kind: 'ok' }>,
  outcome: Outcome, promptTokens: number, headers: Record<string, string>,
): Response {
  const tap = new StreamTap(providerFor(ch.type).streamFormat, route.writer());
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
          // A broken or silent upstream: stop paying for it, and end the client's stream.
          r.abort.abort(new Error('upstream stream broke or went silent'));
          reader.cancel().catch(() => undefined);
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

  c.executionCtx.waitUntil(ended.then((ending) => settleStream(c, a, tap, ending, outcome, promptTokens)));
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
  });
}

/** The next read, or an error when the upstream sends nothing for `ms`. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no bytes from the upstream for ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([reader.read(), silence]);
  } finally {
    clearTimeout(timer);
  }
}

function settleStream(c: Context<AppEnv>, a: Admitted, tap: StreamTap, ending: Ending, outcome: Outcome, promptTokens: number): Promise<unknown> {
  const reported = tap.state.usage;
  const complete = ending === 'complete' && reported !== null;
  if (ending === 'upstream_broken' && tap.state.text === '') {
    settleFailed(c, a, { ...outcome, status: 502, errorCode: 'upstream_stream_broken' }, true);
    return Promise.resolve();
  }
  // Without a full report, bill the prompt and the completion text that reached the client.
  const usage: Usage = complete
    ? reported
    : {
        promptTokens: reported?.promptTokens || promptTokens,
        completionTokens: countText(a.call.model, tap.state.text),
        cachedTokens: reported?.cachedTokens ?? 0,
      };
  const errorCode = ending === 'client_gone' ? 'client_closed' : ending === 'upstream_broken' ? 'upstream_stream_broken' : null;
  const { settled } = settleServed(c, a, { ...outcome, errorCode }, usage, !complete);
  return settled;
}
