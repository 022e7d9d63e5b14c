import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import type { Usage } from '../billing/charge';
import { hostedCallsOf, toolHold } from '../billing/tools';
import { MIN_COMPLETION_TOKENS, type HoldPlan } from '../billing/hold';
import { outputLimitOf } from '../billing/output-limits';
import { accountOf } from '../account/client';
import { gateOf } from '../gate/client';
import { healthOf } from '../health/client';
import type { ChannelRecord, TokenRecord } from '../db/snapshots';
import type { AdmitResult, RateInfo } from '../gate/types';
import type { ReserveResult } from '../account/types';
import { effectiveCooldownMs } from '../health/types';
import { admit, refusal, type Admitted } from './admission';
import { isPlanRefusal, planRefusal } from '../billing/plan-refusal';
import { clientErrorResponse } from './client-error';
import { attempt, mustReportSuccess, reportAttempt, type AttemptResult } from './forward';
import { availability, orderCandidates, upstreamModel, type Availability } from './pick';
import { formatOf, type Endpoint, type ParsedCall } from './formats';
import type { Attempt, HeldCall } from './attempt';
import { providerFor } from './providers';
import { logRow, settleFailed, settleServed, type LogSubject } from './settle';
import { relayStream } from './stream';
import { routeFor } from './hub/route';
import { countText } from './prompt/tokenize';
import { boundFor, counterFor } from './prompt/count';
import { TtlCache } from '../lib/ttl-cache';
import { openSession, type StickySession } from './sticky';

/** Channels an upstream asked us to leave alone for a short while (429 with retry-after). */
const restingChannels = new TtlCache<number>(1000, 60_000);

export async function relay(c: Context<AppEnv>, endpoint: Endpoint): Promise<Response> {
  const startedAt = Date.now();
  let known: { token: TokenRecord; call: ParsedCall } | undefined;
  try {
    const a = await admit(c, endpoint, (token, call) => (known = { token, call }));
    return await serve(c, a, startedAt);
  } catch (err) {
    if (err instanceof ApiError && known && !err.logged)
      logRefusal(c, known.token, known.call, endpoint, err, startedAt);
    throw err;
  }
}

/** A refused request of a known key is logged too (no charge), so its owner sees it. */
function logRefusal(
  c: Context<AppEnv>,
  token: TokenRecord,
  call: ParsedCall,
  endpoint: Endpoint,
  err: ApiError,
  startedAt: number,
): void {
  const subject: LogSubject = {
    requestId: c.get('requestId'),
    endpoint,
    token,
    ip: c.req.header('cf-connecting-ip') ?? null,
    model: call.model,
    stream: call.stream,
    price: null,
    groupRatio: null,
  };
  const row = logRow(
    subject,
    { channelId: null, attempts: 0, status: err.status, errorCode: err.code, startedAt },
    { promptTokens: 0, completionTokens: 0, cachedTokens: 0 },
    false,
  );
  c.executionCtx.waitUntil(
    accountOf(c.env, token.userId)
      .release(`none:${row.request_id}`, row)
      .catch(() => undefined),
  );
}

function rateHeaders(rate: RateInfo): Record<string, string> {
  const h: Record<string, string> = {};
  if (rate.rpmLimit !== null) {
    h['x-ratelimit-limit-requests'] = String(rate.rpmLimit);
    h['x-ratelimit-remaining-requests'] = String(rate.rpmRemaining ?? 0);
    h['x-ratelimit-reset-requests'] = `${rate.resetSeconds}s`;
  }
  if (rate.tpmLimit !== null) {
    h['x-ratelimit-limit-tokens'] = String(rate.tpmLimit);
    h['x-ratelimit-remaining-tokens'] = String(rate.tpmRemaining ?? 0);
    h['x-ratelimit-reset-tokens'] = `${rate.resetSeconds}s`;
  }
  return h;
}

const NO_LIMITS: RateInfo = {
  rpmLimit: null,
  rpmRemaining: null,
  tpmLimit: null,
  tpmRemaining: null,
  resetSeconds: 60,
};

/** Keys with limits of their own or their group's go through their gate; others need not. */
const hasLimits = (a: Admitted) => a.limits.rpm !== null || a.limits.tpm !== null || a.token.maxConcurrency !== null;

/**
 * What the request may cost at most: its whole prompt, and per choice the completion limit it
 * sets, else the model's output limit, else DEFAULT_COMPLETION_RESERVE.
 */
function holdPlan(a: Admitted, promptTokens: number): HoldPlan {
  const completes = formatOf(a.endpoint).withLimit !== null;
  const wanted = completes
    ? (a.call.maxCompletion ?? outputLimitOf(a.price) ?? a.settings.DEFAULT_COMPLETION_RESERVE)
    : 0;
  return {
    price: a.price,
    groupRatio: a.groupRatio,
    promptTokens,
    choices: a.call.choices,
    wanted,
    min: completes ? MIN_COMPLETION_TOKENS : 0,
    fixed: toolHold(a.tools),
  };
}

/** The hold's plan may be refined once, with the exact prompt count, where the cheap bound did not fit. */
type RefinePlan = () => HoldPlan | null;

/** The cheap bound did not fit: refused for the balance or the key's cap, or sent with a lowered completion limit. */
const boundDidNotFit = (r: ReserveResult, plan: HoldPlan) =>
  r.ok ? r.allowance < plan.wanted : r.reason === 'user_balance' || r.reason === 'token_cap';

/**
 * Revocation, reservation and rate limits in one parallel round trip: the user's account object
 * (the last word on the key, and the balance) and, for a limited key, the key's gate. Only where
 * the hold on the prompt's cheap bound does not fit is the exact count taken and the hold asked
 * again (the account object replaces the first), so a tight balance still gets the largest limit
 * its exact prompt leaves room for.
 */
async function gateAndReserve(
  c: Context<AppEnv>,
  a: Admitted,
  firstPlan: HoldPlan,
  refine: RefinePlan,
): Promise<{ rate: RateInfo; allowance: number; held: number; plan: HoldPlan }> {
  const admittedAt = Date.now();
  const account = accountOf(c.env, a.token.userId);
  const limited = hasLimits(a);
  const reserveFor = (plan: HoldPlan) =>
    account.reserve({
      tokenId: a.token.id,
      keyHash: a.keyHash,
      requestId: a.requestId,
      plan,
      model: a.call.model,
      planOnly: a.token.planOnly,
    });
  let plan = firstPlan;
  let [gate, reserve]: [AdmitResult, ReserveResult] = await Promise.all([
    limited
      ? gateOf(c.env, a.token.id).admit({
          requestId: a.requestId,
          rpmLimit: a.limits.rpm,
          tpmLimit: a.limits.tpm,
          maxConcurrency: a.token.maxConcurrency,
        })
      : Promise.resolve<AdmitResult>({ ok: true, rate: NO_LIMITS }),
    reserveFor(plan),
  ]);
  const exactPlan = gate.ok && boundDidNotFit(reserve, plan) ? refine() : null;
  if (exactPlan) {
    plan = exactPlan;
    reserve = await reserveFor(plan);
  }
  if (!gate.ok || !reserve.ok) {
    if (reserve.ok) c.executionCtx.waitUntil(account.release(a.requestId, null));
    if (gate.ok && limited) c.executionCtx.waitUntil(gateOf(c.env, a.token.id).cancel(a.requestId, admittedAt));
  }
  if (isPlanRefusal(reserve)) throw planRefusal(reserve);
  if (!reserve.ok && reserve.reason !== 'user_balance' && reserve.reason !== 'token_cap') throw refusal(reserve.reason);
  if (!gate.ok)
    throw new ApiError(429, 'rate_limit_exceeded', gate.message, {
      'retry-after': String(gate.retryAfter),
      ...rateHeaders(gate.rate),
    });
  if (!reserve.ok) {
    const whose = reserve.reason === 'token_cap' ? "the key's remaining quota" : 'your balance';
    throw new ApiError(
      402,
      'insufficient_quota',
      `${whose} cannot cover this request: its prompt and at least ${Math.min(plan.wanted, plan.min)} completion tokens`,
      rateHeaders(gate.rate),
    );
  }
  return { rate: gate.rate, allowance: reserve.allowance, held: reserve.units, plan };
}

interface Candidate {
  ch: ChannelRecord;
  state: Availability;
  /** A session's pinned key on its pinned channel. */
  keyIndex?: number;
}

async function serve(c: Context<AppEnv>, a: Admitted, startedAt: number): Promise<Response> {
  const format = formatOf(a.endpoint);
  // The hold starts from a cheap bound of the prompt; the exact count is taken only where needed.
  const promptBound = format.countPrompt(boundFor(a.call.model), a.call.body);
  let exact: number | undefined;
  const exactPrompt = () => (exact ??= format.countPrompt(counterFor(a.call.model), a.call.body));
  const cooldownMs = effectiveCooldownMs(a.settings.CHANNEL_COOLDOWN_SECONDS);
  const now = Date.now();
  const usable = a.candidates
    .map((ch) => ({
      ch,
      state: availability(ch, now, cooldownMs, restingChannels.get(String(ch.id))),
      priority: ch.priority,
      weight: ch.weight,
    }))
    .filter((x) => x.state !== 'unavailable');
  if (usable.length === 0)
    throw new ApiError(
      503,
      'no_available_channel',
      `every channel for ${a.call.model} is disabled or cooling down; try again shortly`,
    );

  const ordered = orderCandidates(usable);
  // The session's pin is looked up while the hold is taken.
  const pinning = openSession(c.env, a.session, a.call.model, ordered, (p) => c.executionCtx.waitUntil(p));
  const refine: RefinePlan = () => (exactPrompt() < promptBound ? holdPlan(a, exactPrompt()) : null);
  const { rate, allowance, held } = await gateAndReserve(c, a, holdPlan(a, promptBound), refine);
  const sticky = await pinning;
  // Never ask the upstream for more completion tokens than were held.
  const lowered = format.withLimit !== null && (a.call.maxCompletion === null || allowance < a.call.maxCompletion);
  const limitedCall: ParsedCall =
    lowered && format.withLimit ? { ...a.call, body: format.withLimit(a.call, allowance) } : a.call;
  // Built-in tool calls were held for up to maxCalls: the upstream is told so.
  const call: ParsedCall =
    a.tools && limitedCall.body.max_tool_calls == null
      ? { ...limitedCall, body: { ...limitedCall.body, max_tool_calls: a.tools.maxCalls } }
      : limitedCall;
  const heldCall: HeldCall = { c, a, call, exactPrompt, held, headers: rateHeaders(rate), startedAt };
  try {
    return await tryChannels(heldCall, sticky ? sticky.arrange(ordered) : ordered, sticky);
  } catch (err) {
    // Whatever failed after the hold was taken gives it back (a row already written is kept once).
    if (!(err instanceof ApiError && err.logged)) {
      settleFailed(
        c,
        a,
        {
          channelId: null,
          attempts: 0,
          status: err instanceof ApiError ? err.status : 500,
          errorCode: 'internal_error',
          startedAt,
        },
        true,
      );
    }
    throw err;
  }
}

async function tryChannels(h: HeldCall, ordered: Candidate[], sticky: StickySession | null): Promise<Response> {
  const { c, a, call } = h;
  const cooldownMs = effectiveCooldownMs(a.settings.CHANNEL_COOLDOWN_SECONDS);
  const limits = { firstByteMs: a.settings.UPSTREAM_TIMEOUT_MS, idleMs: a.settings.STREAM_IDLE_TIMEOUT_MS };
  let attempts = 0;
  let lastFailure = '';
  let lastChannel: number | null = null;
  for (const { ch, state, keyIndex } of ordered) {
    if (attempts >= a.settings.RETRY_ATTEMPTS) break;
    if (state === 'probe' && !(await mayProbe(c, ch, cooldownMs))) continue;
    attempts++;
    lastChannel = ch.id;
    const model = upstreamModel(ch, call.model);
    const route = routeFor(a.endpoint, ch, call, model);
    setDroppedTools(h.headers, route.droppedTools);
    const result = await attempt(
      ch,
      { endpoint: route.endpoint, body: route.body, model, stream: call.stream, headers: c.req.raw.headers },
      a.settings.ENCRYPTION_KEY,
      limits,
      { preferred: keyIndex },
    );
    const t: Attempt = {
      held: h,
      channel: ch,
      state,
      route,
      upstreamModel: model,
      outcome: { channelId: ch.id, attempts, status: 200, errorCode: null, startedAt: h.startedAt },
    };
    reportHealth(t, result);
    if (result.kind === 'ok') {
      sticky?.served(ch.id, result.keyIndex);
      return call.stream ? relayStream(t, result) : deliverJson(t, result);
    }
    if (result.kind === 'client_error') {
      settleFailed(c, a, { ...t.outcome, status: result.status, errorCode: 'upstream_rejected_request' }, true);
      return clientErrorResponse(a.endpoint, result.status, result.body, h.headers);
    }
    lastFailure = result.summary;
    if (result.retryAfterSeconds !== null && result.retryAfterSeconds <= 60) {
      restingChannels.set(String(ch.id), Date.now() + result.retryAfterSeconds * 1000, result.retryAfterSeconds * 1000);
    }
  }
  // Every candidate past its cooldown had its one probe taken by another request: none was tried.
  const failure =
    attempts === 0
      ? new ApiError(
          503,
          'no_available_channel',
          `every channel for ${a.call.model} is cooling down; try again shortly`,
          h.headers,
        )
      : new ApiError(
          502,
          'upstream_error',
          `no upstream answered after ${attempts} attempt(s) (last: ${lastFailure}); nothing was charged`,
          h.headers,
        );
  settleFailed(
    c,
    a,
    { channelId: lastChannel, attempts, status: failure.status, errorCode: failure.code, startedAt: h.startedAt },
    true,
  );
  // Upstream error texts stay with the operator (channel health); they can name the provider.
  failure.logged = true;
  throw failure;
}

/** The answer names the tools the channel lacks and that were left out (this attempt's route). */
function setDroppedTools(headers: Record<string, string>, dropped: string[]): void {
  if (dropped.length > 0) headers['x-relay-dropped-tools'] = dropped.join(', ');
  else delete headers['x-relay-dropped-tools'];
}

/** A recovering channel's say on this caller (see ChannelHealth.acquireProbe); unreachable means skip it. */
async function mayProbe(c: Context<AppEnv>, ch: ChannelRecord, cooldownMs: number): Promise<boolean> {
  try {
    return await healthOf(c.env, ch.id).acquireProbe(cooldownMs);
  } catch {
    return false;
  }
}

/**
 * Health reports go to the channel's object after the response. A success on a channel this
 * isolate believes healthy is only sampled (latency); failures and recoveries are always sent.
 */
function reportHealth(t: Attempt, r: AttemptResult): void {
  const { c, a } = t.held;
  if (r.kind === 'ok' && !mustReportSuccess(t.channel, t.state !== 'ready') && Math.random() > 0.05) return;
  c.executionCtx.waitUntil(reportAttempt(c.env, a.settings, t.channel, r).catch(() => undefined));
}

async function deliverJson(t: Attempt, r: Extract<AttemptResult, { kind: 'ok' }>): Promise<Response> {
  const { a, c } = t.held;
  const text = r.text ?? '';
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    // an unparsable success is still passed on; usage is counted below
  }
  const provider = providerFor(t.channel.type);
  const reported = provider.usageOf(json);
  const usage: Usage = reported ?? {
    promptTokens: t.held.exactPrompt(),
    completionTokens:
      formatOf(a.endpoint).withLimit === null
        ? 0
        : provider.completionParts(json).reduce((sum, part) => sum + countText(a.call.model, part), 0),
    cachedTokens: 0,
  };
  const { charge, settled } = settleServed(c, a, {
    outcome: t.outcome,
    usage,
    counted: reported === null,
    outputItems: a.tools ? hostedCallsOf(json) : [],
  });
  // Within the hold the charge is certain; beyond it the account may cap it, so ask.
  const charged = charge <= t.held.held ? charge : (await settled).charged;
  return new Response(t.route.toClient(json, text), {
    status: r.response.status,
    headers: {
      'content-type': r.response.headers.get('content-type') ?? 'application/json',
      'x-quota-charged': String(charged),
      ...t.held.headers,
    },
  });
}
