import type { Env, Settings } from '../env';
import { healthOf } from '../account/stub';
import { noteChannelHealth, type ChannelRecord } from '../db/snapshots';
import { effectiveCooldownMs } from '../health/types';
import { unseal } from '../lib/crypto';
import { TtlCache } from '../lib/ttl-cache';
import { providerFor } from './providers';
import type { UpstreamCall } from './providers/types';

export type AttemptResult =
  | { kind: 'ok'; response: Response; abort: AbortController; latencyMs: number }
  /** The upstream refused the request itself (400/422): handed back as it came, not retried. */
  | { kind: 'client_error'; status: number; body: string; contentType: string; latencyMs: number }
  /** `error` is for the operator (channel health); `summary` is all a customer is told. */
  | { kind: 'failed'; error: string; summary: string; keyDead: boolean; retryAfterSeconds: number | null; latencyMs: number };

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

/** The channel's keys in turn, one per call. */
export async function nextKey(channel: ChannelRecord, encryptionKey: string): Promise<string> {
  const keys = await channelKeys(channel, encryptionKey);
  if (rotation.size > 10_000) rotation.clear();
  const n = rotation.get(channel.id) ?? 0;
  rotation.set(channel.id, n + 1);
  return keys[n % keys.length];
}

const KEY_DEAD = /invalid[_ ]api[_ ]key|incorrect api key|invalid x-api-key|insufficient_quota|billing|credit balance|quota exceeded|account (is )?(deactivated|suspended|disabled)|permission_denied|authentication_error/i;

/** What an upstream error status means for failover and for the channel's health. */
export function classifyUpstreamError(status: number, body: string): { passBack: boolean; keyDead: boolean } {
  if (status === 400 || status === 422) return { passBack: !KEY_DEAD.test(body), keyDead: KEY_DEAD.test(body) };
  if (status === 401 || status === 402) return { passBack: false, keyDead: true };
  if (status === 403) return { passBack: false, keyDead: KEY_DEAD.test(body) || /key/i.test(body) };
  if (status === 429) return { passBack: false, keyDead: /insufficient_quota|billing/i.test(body) };
  return { passBack: false, keyDead: false };
}

function retryAfterOf(res: Response): number | null {
  const v = res.headers.get('retry-after');
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** One try against one channel, bounded by the time to the upstream's first byte. */
export async function attempt(channel: ChannelRecord, call: UpstreamCall, encryptionKey: string, timeoutMs: number): Promise<AttemptResult> {
  const started = Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('upstream timeout')), timeoutMs);
  try {
    const key = await nextKey(channel, encryptionKey);
    const { url, init } = providerFor(channel.type).request(channel.baseUrl, key, call);
    const response = await fetch(url, { ...init, signal: abort.signal });
    clearTimeout(timer);
    const latencyMs = Date.now() - started;
    if (response.ok) return { kind: 'ok', response, abort, latencyMs };
    const body = (await response.text()).slice(0, 64 * 1024);
    const verdict = classifyUpstreamError(response.status, body);
    if (verdict.passBack) {
      return { kind: 'client_error', status: response.status, body, contentType: response.headers.get('content-type') ?? 'application/json', latencyMs };
    }
    return {
      kind: 'failed', keyDead: verdict.keyDead, retryAfterSeconds: retryAfterOf(response), latencyMs,
      error: `HTTP ${response.status}: ${scrub(body).slice(0, 300)}`, summary: `HTTP ${response.status}`,
    };
  } catch (err) {
    clearTimeout(timer);
    const timedOut = abort.signal.aborted;
    return {
      kind: 'failed', keyDead: false, retryAfterSeconds: null, latencyMs: Date.now() - started,
      error: timedOut ? `no first byte within ${timeoutMs} ms` : `connection failed: ${String(err instanceof Error ? err.message : err).slice(0, 200)}`,
      summary: timedOut ? 'timeout' : 'connection error',
    };
  }
}

/** Error text may echo a key back; never keep one. */
export const scrub = (text: string) => text.replace(/(sk|key)-[A-Za-z0-9_-]{8,}/g, '$1-***');

/**
 * Tells the channel's health object how an attempt went (an upstream 400 about the request says
 * nothing about the channel), and applies the answer to this isolate's snapshot at once.
 */
export async function reportAttempt(env: Env, settings: Settings, ch: ChannelRecord, r: AttemptResult): Promise<void> {
  if (r.kind === 'client_error') return;
  const ok = r.kind === 'ok';
  const view = await healthOf(env, ch.id).report({
    channelId: ch.id, ok, latencyMs: r.latencyMs, error: ok ? null : r.error, keyDead: !ok && r.keyDead,
    threshold: settings.CHANNEL_FAILURE_THRESHOLD, cooldownMs: effectiveCooldownMs(settings.CHANNEL_COOLDOWN_SECONDS),
  });
  noteChannelHealth(ch.id, { state: view.state, openedAt: view.openedAt }, view.autoDisabled ? 'auto_disabled' : undefined);
}
