import type { Env, Settings } from '../env';
import { healthOf } from '../health/client';
import { noteChannelHealth, type ChannelRecord } from '../db/snapshots';
import { effectiveCooldownMs } from '../health/types';
import { unseal } from '../lib/crypto';
import { readTextWithin } from '../lib/read-within';
import { scrub } from '../lib/scrub';
import { TtlCache } from '../lib/ttl-cache';
import { providerFor } from './providers';
import type { UpstreamCall } from './providers/types';
import { classifyUpstreamError } from './providers/errors';

export type AttemptResult =
  /** A success. A non-streamed answer has been read whole (`text`); a stream is left to the caller. */
  | { kind: 'ok'; response: Response; text: string | null; abort: AbortController; latencyMs: number; keyIndex: number }
  /** The upstream refused the request itself (400/422): handed back, not retried, not counted. */
  | { kind: 'client_error'; status: number; body: string; latencyMs: number }
  /**
   * `error` is for the operator (channel health); `summary` is all a customer is told. `counts`
   * says whether the failure speaks about the channel (and so counts against its health).
   */
  | { kind: 'failed'; error: string; summary: string; counts: boolean; keyDead: boolean; retryAfterSeconds: number | null; latencyMs: number };

const keyCache = new TtlCache<string[]>(1000, 5 * 60_000);
const rotation = new Map<number, number>();

async function channelKeys(channel: ChannelRecord, encryptionKey: string): Promise<string[]> {
  const cacheKey = `${channel.id}:${channel.keysSealed}`;
  let keys = keyCache.get(cacheKey);
  if (!keys) {
    keys = JSON.parse(await unseal(channel.keysSealed, encryptionKey)) as string[];
    keyCache.set(cacheKey, keys);
  }
  return keys;
}

/** The channel's keys in turn, one per call; the `preferred` one (a session's pinned key) where given. */
export async function nextKey(channel: ChannelRecord, encryptionKey: string, preferred?: number): Promise<{ key: string; index: number }> {
  const keys = await channelKeys(channel, encryptionKey);
  if (preferred !== undefined) return { key: keys[preferred % keys.length], index: preferred % keys.length };
  if (rotation.size > 10_000) rotation.clear();
  const n = rotation.get(channel.id) ?? 0;
  rotation.set(channel.id, n + 1);
  return { key: keys[n % keys.length], index: n % keys.length };
}

function retryAfterOf(res: Response): number | null {
  const v = res.headers.get('retry-after');
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export interface AttemptLimits {
  /** Time to the upstream's first byte. */
  firstByteMs: number;
  /** Longest silence while a non-streamed body is read. */
  idleMs: number;
}

/**
 * A pooled keep-alive connection that the upstream has already closed fails the next request
 * written to it ("Network connection lost", a broken pipe) before any answer: every HTTP/1.1
 * server closes idle connections sooner or later, and the pool cannot know. Such a call is sent
 * again at once, on another connection, and says nothing about the channel unless every send fails.
 */
const CONNECTION_RESENDS = 4;

/**
 * One try against one channel. A non-streamed answer is read whole inside the attempt, so a
 * reset or a silence half-way through the body fails the attempt like a refused connection.
 */
export async function attempt(channel: ChannelRecord, call: UpstreamCall, encryptionKey: string, limits: AttemptLimits, preferredKey?: number): Promise<AttemptResult> {
  let result = await sendOnce(channel, call, encryptionKey, limits, preferredKey);
  for (let resend = 0; resend < CONNECTION_RESENDS && lostBeforeAnswer(result); resend++) {
    result = await sendOnce(channel, call, encryptionKey, limits, preferredKey);
  }
  return result;
}

type SendResult = AttemptResult | (Extract<AttemptResult, { kind: 'failed' }> & { connectionLost: boolean });

const lostBeforeAnswer = (r: SendResult) => 'connectionLost' in r && r.connectionLost;

async function sendOnce(channel: ChannelRecord, call: UpstreamCall, encryptionKey: string, limits: AttemptLimits, preferredKey?: number): Promise<SendResult> {
  const started = Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('upstream timeout')), limits.firstByteMs);
  let gotHeaders = false;
  try {
    const { key, index: keyIndex } = await nextKey(channel, encryptionKey, preferredKey);
    const provider = providerFor(channel.type);
    const { url, init } = provider.request(channel.baseUrl, key, call);
    const response = await fetch(url, { ...init, signal: abort.signal });
    clearTimeout(timer);
    gotHeaders = true;
    const latencyMs = Date.now() - started;
    if (response.ok) {
      const text = call.stream ? null : await readTextWithin(response.body, limits.idleMs);
      return { kind: 'ok', response, text, abort, latencyMs, keyIndex };
    }
    const body = (await readTextWithin(response.body, limits.idleMs)).slice(0, 64 * 1024);
    const verdict = provider.classify?.(response.status, body) ?? classifyUpstreamError(response.status, body);
    if (verdict.passBack) return { kind: 'client_error', status: response.status, body, latencyMs };
    return {
      kind: 'failed', counts: verdict.counts, keyDead: verdict.keyDead, retryAfterSeconds: retryAfterOf(response), latencyMs,
      error: `HTTP ${response.status}: ${scrub(body).slice(0, 300)}`, summary: `HTTP ${response.status}`,
    };
  } catch (err) {
    clearTimeout(timer);
    abort.abort(new Error('attempt failed'));
    const timedOut = !gotHeaders && abort.signal.reason instanceof Error && abort.signal.reason.message === 'upstream timeout';
    const reason = String(err instanceof Error ? err.message : err).slice(0, 200);
    return {
      kind: 'failed', counts: true, keyDead: false, retryAfterSeconds: null, latencyMs: Date.now() - started,
      connectionLost: !gotHeaders && !timedOut,
      error: timedOut ? `no first byte within ${limits.firstByteMs} ms` : gotHeaders ? `the body broke off: ${reason}` : `connection failed: ${reason}`,
      summary: timedOut ? 'timeout' : 'connection error',
    };
  }
}

/**
 * Tells the channel's health object how an attempt went, and applies the answer to this
 * isolate's snapshot at once. An answer about the request, or a failure that says nothing about
 * the channel (a plain rate limit, a 404), is not reported.
 */
export async function reportAttempt(env: Env, settings: Settings, ch: ChannelRecord, r: AttemptResult): Promise<void> {
  if (r.kind === 'client_error' || (r.kind === 'failed' && !r.counts)) return;
  const ok = r.kind === 'ok';
  const view = await healthOf(env, ch.id).report({
    ok, latencyMs: r.latencyMs, error: ok ? null : r.error, keyDead: !ok && r.keyDead,
    threshold: settings.CHANNEL_FAILURE_THRESHOLD, cooldownMs: effectiveCooldownMs(settings.CHANNEL_COOLDOWN_SECONDS),
  });
  if (view.consecutiveFailures > 0) failingChannels.add(ch.id);
  else failingChannels.delete(ch.id);
  noteChannelHealth(ch.id, { state: view.state, openedAt: view.openedAt, version: view.version }, view.autoDisabled ? 'auto_disabled' : undefined);
}

/** Channels whose last report here left a failure streak: their next success ends it, so it is always sent. */
const failingChannels = new Set<number>();

/**
 * Whether a success must reach the channel's health object. Successes on a channel believed
 * healthy are only sampled (for latency); after a failure each one is sent, so that only failures
 * in a row open the circuit.
 */
export const mustReportSuccess = (ch: ChannelRecord, wasProbe: boolean) =>
  wasProbe || ch.health.state !== 'closed' || ch.status !== 'enabled' || failingChannels.has(ch.id);
