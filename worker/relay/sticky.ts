/**
 * Sticky sessions: calls of one session go to one channel and one key of it, so the provider's
 * prompt cache is hit. The pin lives in the session's object (worker/session), and in this
 * isolate for a minute; a call without a session is spread by priority and weight as before.
 */
import type { Env } from '../env';
import type { ChannelRecord } from '../db/snapshots';
import { sha256Hex } from '../lib/crypto';
import { TtlCache } from '../lib/ttl-cache';
import { pinsOf } from '../session/client';
import { PIN_CACHE_MS, samePin, type Pin } from '../session/types';
import { formatOf, type Endpoint } from './formats';
import type { Obj } from '../lib/json';
import type { Availability } from './pick';

/** Headers agents send a session id in, after the body's own field. */
const SESSION_HEADERS = ['session-id', 'x-session-id'] as const;

/** The raw session key of a call: the format's body field, else a header; null without one. */
export function sessionKeyOf(endpoint: Endpoint, body: Obj, headers: Headers): string | null {
  const fromBody = formatOf(endpoint).sessionKey?.(body) ?? null;
  if (fromBody) return fromBody;
  for (const name of SESSION_HEADERS) {
    const v = headers.get(name)?.trim();
    if (v) return v;
  }
  return null;
}

/**
 * The session's hash, scoped by the API key (two customers' equal session ids never share a pin).
 * Only the hash is kept or logged, never the raw value.
 */
export async function sessionHashOf(
  endpoint: Endpoint,
  body: Obj,
  headers: Headers,
  tokenId: number,
): Promise<string | null> {
  const raw = sessionKeyOf(endpoint, body, headers);
  return raw === null ? null : (await sha256Hex(`${tokenId}\u0000${raw}`)).slice(0, 32);
}

/** Pins this isolate has read or set, by session and model. */
const known = new TtlCache<Pin>(10_000, PIN_CACHE_MS);

interface Placed {
  ch: ChannelRecord;
  state: Availability;
}

/** One call's view of its session's pin. */
export class StickySession {
  constructor(
    private readonly env: Env,
    private readonly hash: string,
    private readonly model: string,
    private pin: Pin,
    private readonly waitUntil: (p: Promise<unknown>) => void,
  ) {}

  private get cacheKey(): string {
    return `${this.hash}:${this.model}`;
  }

  /** The pinned channel first, with its key, where it can serve; otherwise the order as it is. */
  arrange<T extends Placed>(ordered: T[]): (T & { keyIndex?: number })[] {
    const i = ordered.findIndex((x) => x.ch.id === this.pin.channelId && x.state === 'ready');
    if (i < 0) return ordered;
    const pinned = { ...ordered[i], keyIndex: this.pin.keyIndex ?? undefined };
    return [pinned, ...ordered.slice(0, i), ...ordered.slice(i + 1)];
  }

  /**
   * The call was served by this channel and key. Where that is not the pin (the pin could not
   * serve, or its key was not yet chosen), the session moves there, unless another isolate moved
   * it first: the session's object keeps one answer.
   */
  served(channelId: number, keyIndex: number): void {
    const to: Pin = { channelId, keyIndex };
    if (samePin(this.pin, to)) return;
    const from = this.pin;
    this.pin = to;
    known.set(this.cacheKey, to);
    const moving = pinsOf(this.env, this.hash, this.model)
      .move(from, to)
      .then((held) => known.set(this.cacheKey, held))
      .catch(() => undefined);
    this.waitUntil(moving);
  }
}

/**
 * The call's session, pinned: from this isolate's copy, else from the session's object, which
 * places a new session on the first channel of the weighted order (so weights hold across
 * sessions). An object that cannot be reached leaves the call unpinned.
 */
export async function openSession(
  env: Env,
  hash: string | null,
  model: string,
  ordered: Placed[],
  waitUntil: (p: Promise<unknown>) => void,
): Promise<StickySession | null> {
  if (hash === null || ordered.length === 0) return null;
  const key = `${hash}:${model}`;
  let pin = known.get(key);
  if (!pin) {
    const first = ordered.find((x) => x.state === 'ready') ?? ordered[0];
    try {
      pin = await pinsOf(env, hash, model).claim({ channelId: first.ch.id, keyIndex: null });
    } catch {
      return null;
    }
    known.set(key, pin);
  }
  return new StickySession(env, hash, model, pin, waitUntil);
}
