import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { reservationFor, type Usage } from '../billing/charge';
import { accountOf, gateOf, healthOf } from '../account/stub';
import type { ChannelRecord, TokenRecord } from '../db/snapshots';
import type { AdmitResult, RateInfo } from '../gate/types';
import type { ReserveResult } from '../account/types';
import { effectiveCooldownMs } from '../health/types';
import { admit, refusal, type Admitted } from './admission';
import { attempt, reportAttempt, type AttemptResult } from './forward';
import { availability, orderCandidates, upstreamModel, type Endpoint } from './pick';
import { providerFor } from './providers';
import { countPrompt, type ParsedCall } from './request-shape';
import { logRow, settleFailed, settleServed, type LogSubject, type Outcome } from './settle';
import { relayStream } from './stream';
import { routeFor, type UpstreamRoute } from './route';
import { countText } from './tokenize';
import { TtlCache } from '../lib/ttl-cache';

/** Channels an upstream asked us to leave alone for a short while (429 with retry-after). */
const restingChannels = new TtlCache<number>(1000, 60_000);

export async function relay(c: Context<AppEnv>, endpoint: Endpoint): Promise<Response> {
  const startedAt = Date.now();
  let known: { token: TokenRecord; call: ParsedCall } | undefined;
  try {
    const a = await admit(c, endpoint, (token, call) => (known = { token, call }));
    return await serve(c, a, startedAt);
  } catch (err) {
    if (err instanceof ApiError && known && !err.logged) logRefusal(c, known.token, known.call, endpoint, err, startedAt);
    throw err;
  }
}

/** A refused request of a known key is logged too (no charge), so its owner sees it. */
function logRefusal(c: Context<AppEnv>, token: TokenRecord, call: ParsedCall, endpoint: Endpoint, err: ApiError, startedAt: number): void {
  const subject: LogSubject = {
    requestId: c.get('requestId'), endpoint, token, ip: c.req.header('cf-connecting-ip') ?? null,
    model: call.model, stream: call.stream, price: null, groupRatio: null,
  };
  const row = logRow(subject, { channelId: null, attempts: 0, status: err.status, errorCode: err.code, startedAt }, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }, false);
  c.executionCtx.waitUntil(accountOf(c.env, token.userId).release(token.userId, `none:${row.request_id}`, row).catch(() => undefined));
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

const NO_LIMITS: RateInfo = { rpmLimit: null, rpmRemaining: null, tpmLimit: null, tpmRemaining: null, resetSeconds: 60 };

/** Keys with limits of their own or their group's go through their gate; others need not. */
const hasLimits = (a: Admitted) => a.limits.rpm !== null || a.limits.tpm !== null || a.token.maxConcurrency !== null;

/**
 * Revocation, reservation and rate limits in one parallel round trip: the user's account object
 * (the last word on the key, and the balance) and, for a limited key, the key's gate.
 */
async function gateAndReserve(c: Context<AppEnv>, a: Admitted, units: number): Promise<RateInfo> {
  const admittedAt = Date.now();
  const userId = a.token.userId;
  const limited = hasLimits(a);
  const [gate, reserve]: [AdmitResult, ReserveResult] = await Promise.all([
    limited
      ? gateOf(c.env, a.token.id).admit({ tokenId: a.token.id, requestId: a.requestId, rpmLimit: a.limits.rpm, tpmLimit: a.limits.tpm, maxConcurrency: a.token.maxConcurrency })
      : Promise.resolve<AdmitResult>({ ok: true, rate: NO_LIMITS }),
    accountOf(c.env, userId).reserve(userId, a.token.id, a.keyHash, a.requestId, units),
  ]);
  if (!gate.ok || !reserve.ok) {
    if (reserve.ok) c.executionCtx.waitUntil(accountOf(c.env, userId).release(userId, a.requestId, null));
    if (gate.ok && limited) c.executionCtx.waitUntil(gateOf(c.env, a.token.id).cancel(a.requestId, admittedAt));
  }
  if (!reserve.ok && reserve.reason !== 'user_balance' && reserve.reason !== 'token_cap') throw refusal(reserve.reason);
  if (!gate.ok) throw new ApiError(429, 'rate_limit_exceeded', gate.message, { 'retry-after': String(gate.retryAfter), ...rateHeaders(gate.rate) });
  if (!reserve.ok) {
    const whose = reserve.reason === 'token_cap' ? "the key's remaining quota" : 'your balance';
    throw new ApiError(402, 'insufficient_quota', `${whose} cannot cover this request (${units} units held before the call)`, rateHeaders(gate.rate));
  }
  return gate.rate;
}

async function serve(c: Context<AppEnv>, a: Admitted, startedAt: number): Promise<Response> {
  const promptTokens = countPrompt(a.endpoint, a.call);
  const allowance = a.endpoint === 'embeddings' ? 0 : (a.call.maxCompletion ?? a.settings.DEFAULT_COMPLETION_RESERVE) * a.call.choices;
  const units = reservationFor(a.price, promptTokens, allowance, a.groupRatio);
  const cooldownMs = effectiveCooldownMs(a.settings.CHANNEL_COOLDOWN_SECONDS);
  const now = Date.now();
  const usable = a.candidates
    .map((ch) => ({ ch, state: availability(ch, now, cooldownMs, restingChannels.get(String(ch.id))), priority: ch.priority, weight: ch.weight }))
    .filter((x) => x.state !== 'unavailable');
  if (usable.length === 0) throw new ApiError(503, 'no_available_channel', `every channel for ${a.call.model} is disabled or cooling down; try again shortly`);

  const rate = await gateAndReserve(c, a, units);
  const headers = rateHeaders(rate);
  const ordered = orderCandidates(usable);
  let attempts = 0;
  let lastFailure = '';
  let lastChannel: number | null = null;
  for (const { ch, state } of ordered) {
    if (attempts >= a.settings.RETRY_ATTEMPTS) break;
    if (state === 'probe' && !(await healthOf(c.env, ch.id).acquireProbe(ch.id, cooldownMs))) continue;
    attempts++;
    lastChannel = ch.id;
    const model = upstreamModel(ch, a.call.model);
    const route = routeFor(a.endpoint, ch, a.call, model);
    const call = { endpoint: route.endpoint, body: route.body, model, stream: a.call.stream, headers: c.req.raw.headers };
    const result = await attempt(ch, call, a.settings.ENCRYPTION_KEY, a.settings.UPSTREAM_TIMEOUT_MS);
    reportHealth(c, a, ch, result, state !== 'ready');
    const outcome: Outcome = { channelId: ch.id, attempts, status: 200, errorCode: null, startedAt };
    if (result.kind === 'ok') {
      if (a.call.stream) return relayStream(c, a, ch, route, result, outcome, promptTokens, headers);
      return deliverJson(c, a, ch, route, result, outcome, promptTokens, units, headers);
    }
    if (result.kind === 'client_error') {
      settleFailed(c, a, { ...outcome, status: result.status, errorCode: 'upstream_rejected_request' }, true);
      return new Response(result.body, { status: result.status, headers: { 'content-type': result.contentType, ...headers } });
    }
    lastFailure = result.summary;
    if (result.retryAfterSeconds !== null && result.retryAfterSeconds <= 60) {
      restingChannels.set(String(ch.id), Date.now() + result.retryAfterSeconds * 1000, result.retryAfterSeconds * 1000);
    }
  }
  // Every candidate past its cooldown had its one probe taken by another request: none was tried.
  const failure =
    attempts === 0
      ? new ApiError(503, 'no_available_channel', `every channel for ${a.call.model} is cooling down; try again shortly`, headers)
      : new ApiError(502, 'upstream_error', `no upstream answered after ${attempts} attempt(s) (last: ${lastFailure}); nothing was charged`, headers);
  settleFailed(c, a, { channelId: lastChannel, attempts, status: failure.status, errorCode: failure.code, startedAt }, true);
  // Upstream error texts stay with the operator (channel health); they can name the provider.
  failure.logged = true;
  throw failure;
}

/**
 * Health reports go to the channel's object after the response. A success on a channel this
 * isolate believes healthy is only sampled (latency); failures and recoveries are always sent.
 */
function reportHealth(c: Context<AppEnv>, a: Admitted, ch: ChannelRecord, r: AttemptResult, wasProbe: boolean): void {
  if (r.kind === 'ok' && !wasProbe && ch.health.state === 'closed' && ch.status === 'enabled' && Math.random() > 0.05) return;
  c.executionCtx.waitUntil(reportAttempt(c.env, a.settings, ch, r).catch(() => undefined));
}

async function deliverJson(
  c: Context<AppEnv>, a: Admitted, ch: ChannelRecord, route: UpstreamRoute, r: Extract<AttemptResult, { kind: 'ok' }>,
  outcome: Outcome, promptTokens: number, reserved: number, headers: Record<string, string>,
): Promise<Response> {
  const text = await r.response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // an unparsable success is still passed on; usage is counted below
  }
  const provider = providerFor(ch.type);
  const reported = provider.usageOf(json);
  const usage: Usage = reported ?? {
    promptTokens,
    completionTokens: a.endpoint === 'embeddings' ? 0 : countText(a.call.model, provider.completionText(json)),
    cachedTokens: 0,
  };
  const { charge, settled } = settleServed(c, a, outcome, usage, reported === null);
  // Within the reservation the charge is certain; beyond it the account may cap it, so ask.
  const charged = charge <= reserved ? charge : (await settled).charged;
  return new Response(route.toClient(json, text), {
    status: r.response.status,
    headers: { 'content-type': r.response.headers.get('content-type') ?? 'application/json', 'x-quota-charged': String(charged), ...headers },
  });
}
