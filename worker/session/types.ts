/** Where a session is pinned: a channel, and one key of it (null until a call has been served there). */
export interface Pin {
  channelId: number;
  keyIndex: number | null;
}

/** A session stays for an hour after its last call. */
export const SESSION_TTL_MS = 60 * 60_000;

export const samePin = (a: Pin | null, b: Pin | null): boolean =>
  a !== null && b !== null && a.channelId === b.channelId && a.keyIndex === b.keyIndex;

/** How long an isolate trusts the pin it last read before asking the session's object again. */
export const PIN_CACHE_MS = 60_000;
