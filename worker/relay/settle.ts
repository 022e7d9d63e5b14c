import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { chargeFor, type ModelPrice, type Usage } from '../billing/charge';
import { toolCharge } from '../billing/tools';
import { accountOf } from '../account/client';
import { gateOf } from '../gate/client';
import type { LogWrite, SettleInput, SettleResult } from '../account/types';
import type { Admitted } from './admission';

export interface Outcome {
  channelId: number | null;
  attempts: number;
  status: number;
  errorCode: string | null;
  startedAt: number;
}

/** What a log row says about the request, known before or after admission. */
export interface LogSubject {
  requestId: string;
  endpoint: string;
  token: { id: number; userId: number };
  ip: string | null;
  model: string;
  stream: boolean;
  price: Pick<ModelPrice, 'modelRatio' | 'completionRatio'> | null;
  groupRatio: number | null;
  /** The session's hash (sticky sessions), never its raw key. */
  session?: string | null;
}

const subjectOf = (a: Admitted): LogSubject => ({
  requestId: a.requestId,
  endpoint: a.endpoint,
  token: a.token,
  ip: a.ip,
  model: a.call.model,
  stream: a.call.stream,
  price: a.price,
  groupRatio: a.groupRatio,
  session: a.session,
});

export function logRow(s: LogSubject, o: Outcome, usage: Usage, counted: boolean): LogWrite {
  return {
    created_at: Date.now(),
    request_id: s.requestId,
    user_id: s.token.userId,
    token_id: s.token.id,
    channel_id: o.channelId,
    model: s.model,
    endpoint: s.endpoint,
    is_stream: s.stream,
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    cached_tokens: usage.cachedTokens,
    usage_counted: counted,
    quota: 0,
    capped: false,
    model_ratio: s.price?.modelRatio ?? null,
    completion_ratio: s.price ? (s.price.completionRatio ?? 1) : null,
    group_ratio: s.groupRatio,
    ip: s.ip,
    status: o.status,
    error_code: o.errorCode,
    latency_ms: Date.now() - o.startedAt,
    attempts: o.attempts,
    session_hash: s.session ?? null,
    cache_read: usage.cachedTokens > 0,
  };
}

/** The gate counts tokens (TPM) and in-flight requests (concurrency) only where they are limited. */
const tracksGate = (a: Admitted) => a.limits.tpm !== null || a.token.maxConcurrency !== null;

const SETTLE_TRIES = 3;

/**
 * The account object settles each request id once, so a settle whose answer was lost (the
 * object restarted, the call timed out) is simply sent again.
 */
async function settleWithRetry(c: Context<AppEnv>, userId: number, input: SettleInput): Promise<SettleResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await accountOf(c.env, userId).settle({ ...input, firstSend: attempt === 1 });
    } catch (err) {
      if (attempt >= SETTLE_TRIES) throw err;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/** How a served request went, as its charge and log row need it. */
export interface Served {
  outcome: Outcome;
  usage: Usage;
  /** The usage was counted by the relay (the upstream reported none, or the stream did not close properly). */
  counted: boolean;
  /** Output item types of a Responses answer (built-in tool calls are billed per call). */
  outputItems: string[];
}

/** Takes the exact charge for a served request and reports its tokens to the gate. */
export function settleServed(c: Context<AppEnv>, a: Admitted, { outcome: o, usage, counted, outputItems }: Served) {
  const charge = chargeFor(a.price, usage, a.groupRatio) + toolCharge(outputItems, a.tools);
  const userId = a.token.userId;
  const settled = settleWithRetry(c, userId, {
    requestId: a.requestId,
    tokenId: a.token.id,
    charge,
    log: logRow(subjectOf(a), o, usage, counted),
  });
  if (tracksGate(a))
    c.executionCtx.waitUntil(
      gateOf(c.env, a.token.id).finish(a.requestId, usage.promptTokens + usage.completionTokens),
    );
  c.executionCtx.waitUntil(settled);
  return { charge, settled };
}

/** A request that was not served: nothing is charged, the reservation goes back, the row is logged. */
export function settleFailed(c: Context<AppEnv>, a: Admitted, o: Outcome, reserved: boolean): void {
  const userId = a.token.userId;
  const none: Usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  const log = logRow(subjectOf(a), o, none, false);
  c.executionCtx.waitUntil(accountOf(c.env, userId).release(reserved ? a.requestId : `none:${a.requestId}`, log));
  if (tracksGate(a)) c.executionCtx.waitUntil(gateOf(c.env, a.token.id).finish(a.requestId, 0));
}
