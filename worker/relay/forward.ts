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
import { applyKeyNews, pickKey, type KeyAside, type KeyNews } from './keys';

export type AttemptResult = SentResult & {
  /** The key the last send used (its index in the channel's list), and what the attempt learned about keys. */
  keyIndex: number;
  keys: KeyNews;
};

type SentResult =
  /** A success. A non-streamed answer has been read whole (`text`); a stream is left to the caller. */
  | { kind: 'ok'; response: Response; text: string | null; abort: AbortController; latencyMs: number }
  /** The upstream refused the request itself (400/422): handed back, not retried, not counted. */
  | { kind: 'client_error'; status: number; body: string; latencyMs: number }
  /**
   * `error` is for the operator (channel health); `summary` is all a customer is told. `counts`
   * says whether the failure speaks about the channel (and so counts against its health).
   */
  | {
      kind: 'failed';
      error: string;
      summary: string;
      counts: boolean;
      keyDead: boolean;
      retryAfterSeconds: number | null;
      latencyMs: number;
    };

const keyCache = new TtlCache<string[]>(1000, 5 * 60_000);

async function channelKeys(channel: ChannelRecord, encryptionKey: string): Promise<string[]> {
  const cacheKey = `${channel.id}:${channel.keysSealed}`;
  let keys = keyCache.get(cacheKey);
  if (!keys) {
    keys = JSON.parse(await unseal(channel.keysSealed, encryptionKey)) as string[];
    keyCache.set(cacheKey, keys);
  }
  return keys;
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

/** How a try chooses its key: `preferred` while that key is usable (a pinned session), or `only` that key (a key probe). */
export interface KeyChoice {
  preferred?: number;
  only?: number;
}

/** Further keys one attempt may switch to after dead-key answers, so that a channel of many dead keys cannot hold a call long. */
const MAX_KEY_SWITCHES = 3;

/** A key of the channel to use outside an attempt (count_tokens): the next usable one, set-aside keys skipped. */
export async function usableKey(channel: ChannelRecord, encryptionKey: string): Promise<string> {
  const keys = await channelKeys(channel, encryptionKey);
  return (pickKey(channel, keys, keysAsideOf(channel)) ?? { key: keys[0] }).key;
}

/**
 * One try against one channel. A non-streamed answer is read whole inside the attempt, so a
 * reset or a silence half-way through the body fails the attempt like a refused connection.
 * A key refused as dead is set aside at once (here, and in the result for the health object) and
 * the try goes on with the channel's next usable key; the failure counts against the channel only
 * when no usable key is left.
 */
export async function attempt(
  channel: ChannelRecord,
  call: UpstreamCall,
  encryptionKey: string,
  limits: AttemptLimits,
  choice: KeyChoice = {},
): Promise<AttemptResult> {
  const keys = await channelKeys(channel, encryptionKey);
  const tried = new Set<number>();
  const news: KeyNews = { setAside: [], recovered: null };
  let pick =
    choice.only !== undefined
      ? { index: choice.only, key: keys[choice.only] }
      : pickKey(channel, keys, keysAsideOf(channel), choice.preferred, tried);
  for (;;) {
    // pickKey answers a key whenever nothing has been tried yet.
    const { index, key } = pick ?? { index: 0, key: keys[0] };
    const result = await sendWithResends(channel, call, key, limits);
    tried.add(index);
    if (!(result.kind === 'failed' && result.keyDead)) {
      if (result.kind === 'ok' && keysAsideOf(channel).some((k) => k.index === index)) news.recovered = index;
      return finish(channel, result, index, news);
    }
    news.setAside.push({ index, since: Date.now(), error: result.error });
    noteKeyAside(channel, news);
    const next = pickKey(channel, keys, keysAsideOf(channel), undefined, tried);
    if (next === null || choice.only !== undefined || tried.size > MAX_KEY_SWITCHES) {
      // While the channel has a usable key, a dead key says nothing about the channel.
      return finish(channel, next === null ? result : { ...result, counts: false }, index, news);
    }
    pick = next;
  }
}

async function sendWithResends(
  channel: ChannelRecord,
  call: UpstreamCall,
  key: string,
  limits: AttemptLimits,
): Promise<SendResult> {
  let result = await sendOnce(channel, call, key, limits);
  for (let resend = 0; resend < CONNECTION_RESENDS && lostBeforeAnswer(result); resend++) {
    result = await sendOnce(channel, call, key, limits);
  }
  return result;
}

const keysAsideOf = (ch: ChannelRecord): KeyAside[] => ch.health.keysAside ?? [];

/**
 * This isolate stops using a dead key at once, before the health object's answer: the snapshot's
 * record is changed in place (its version unchanged, so the object's next view replaces it).
 */
function noteKeyAside(ch: ChannelRecord, news: KeyNews): void {
  ch.health = { ...ch.health, keysAside: applyKeyNews(keysAsideOf(ch), news, ch.keyCount) };
}

/** Channels with key news not yet sent to their health object: their next success is always reported. */
const keyNewsPending = new Map<number, number>();

function finish(ch: ChannelRecord, r: SendResult, keyIndex: number, keys: KeyNews): AttemptResult {
  const { connectionLost: _lost, ...result } = 'connectionLost' in r ? r : { ...r, connectionLost: false };
  if (hasKeyNews(keys)) keyNewsPending.set(ch.id, (keyNewsPending.get(ch.id) ?? 0) + 1);
  return { ...result, keyIndex, keys };
}

const hasKeyNews = (k: KeyNews) => k.setAside.length > 0 || k.recovered !== null;

type SendResult = SentResult | (Extract<SentResult, { kind: 'failed' }> & { connectionLost: boolean });

const lostBeforeAnswer = (r: SendResult) => 'connectionLost' in r && r.connectionLost;

async function sendOnce(
  channel: ChannelRecord,
  call: UpstreamCall,
  key: string,
  limits: AttemptLimits,
): Promise<SendResult> {
  const started = Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('upstream timeout')), limits.firstByteMs);
  let gotHeaders = false;
  try {
    const provider = providerFor(channel.type);
    const { url, init } = provider.request(channel.baseUrl, key, call);
    const response = await fetch(url, { ...init, signal: abort.signal });
    clearTimeout(timer);
    gotHeaders = true;
    const latencyMs = Date.now() - started;
    if (response.ok) {
      const text = call.stream ? null : await readTextWithin(response.body, limits.idleMs);
      return { kind: 'ok', response, text, abort, latencyMs };
    }
    const body = (await readTextWithin(response.body, limits.idleMs)).slice(0, 64 * 1024);
    const verdict = provider.classify?.(response.status, body) ?? classifyUpstreamError(response.status, body);
    if (verdict.passBack) return { kind: 'client_error', status: response.status, body, latencyMs };
    return {
      kind: 'failed',
      counts: verdict.counts,
      keyDead: verdict.keyDead,
      retryAfterSeconds: retryAfterOf(response),
      latencyMs,
      error: `HTTP ${response.status}: ${scrub(body).slice(0, 300)}`,
      summary: `HTTP ${response.status}`,
    };
  } catch (err) {
    clearTimeout(timer);
    abort.abort(new Error('attempt failed'));
    const timedOut =
      !gotHeaders && abort.signal.reason instanceof Error && abort.signal.reason.message === 'upstream timeout';
    const reason = String(err instanceof Error ? err.message : err).slice(0, 200);
    return {
      kind: 'failed',
      counts: true,
      keyDead: false,
      retryAfterSeconds: null,
      latencyMs: Date.now() - started,
      connectionLost: !gotHeaders && !timedOut,
      error: timedOut
        ? `no first byte within ${limits.firstByteMs} ms`
        : gotHeaders
          ? `the body broke off: ${reason}`
          : `connection failed: ${reason}`,
      summary: timedOut ? 'timeout' : 'connection error',
    };
  }
}

/**
 * Tells the channel's health object how an attempt went, and applies the answer to this
 * isolate's snapshot at once. An answer about the request, or a failure that says nothing about
 * the channel (a plain rate limit, a 404, a dead key while others serve), is not counted; what
 * the attempt learned about the channel's keys is always sent.
 */
export async function reportAttempt(env: Env, settings: Settings, ch: ChannelRecord, r: AttemptResult): Promise<void> {
  const counts = !(r.kind === 'client_error' || (r.kind === 'failed' && !r.counts));
  const news = hasKeyNews(r.keys);
  if (news) {
    const left = (keyNewsPending.get(ch.id) ?? 1) - 1;
    if (left > 0) keyNewsPending.set(ch.id, left);
    else keyNewsPending.delete(ch.id);
  }
  if (!counts && !news) return;
  const ok = r.kind === 'ok';
  const view = await healthOf(env, ch.id).report({
    ok,
    latencyMs: r.latencyMs,
    error: r.kind === 'failed' ? r.error : null,
    keyDead: r.kind === 'failed' && r.keyDead,
    threshold: settings.CHANNEL_FAILURE_THRESHOLD,
    cooldownMs: effectiveCooldownMs(settings.CHANNEL_COOLDOWN_SECONDS),
    counts,
    keys: news ? r.keys : undefined,
  });
  if (counts && view.consecutiveFailures > 0) failingChannels.add(ch.id);
  else if (counts) failingChannels.delete(ch.id);
  noteChannelHealth(
    ch.id,
    { state: view.state, openedAt: view.openedAt, version: view.version, keysAside: view.keysAside },
    view.autoDisabled ? 'auto_disabled' : undefined,
  );
}

/** Channels whose last report here left a failure streak: their next success ends it, so it is always sent. */
const failingChannels = new Set<number>();

/**
 * Whether a success must reach the channel's health object. Successes on a channel believed
 * healthy are only sampled (for latency); after a failure each one is sent, so that only failures
 * in a row open the circuit.
 */
export const mustReportSuccess = (ch: ChannelRecord, wasProbe: boolean) =>
  wasProbe ||
  ch.health.state !== 'closed' ||
  ch.status !== 'enabled' ||
  failingChannels.has(ch.id) ||
  keyNewsPending.has(ch.id);
