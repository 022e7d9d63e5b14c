/**
 * A plan's rolling usage windows, as pure arithmetic (the account object keeps them and is their
 * only writer). Use is kept in buckets of 1/300 of the window's length, so a 30-day window holds
 * at most about 300 numbers; a use counts until its bucket's end plus the window's length. That is
 * at most 1/300 of the window longer than the exact rolling rule, never shorter: the window can
 * only be stricter than its limit, never go over it.
 */
export const WINDOW_MS = {
  '5h': 5 * 3_600_000,
  '1d': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;
export type WindowName = keyof typeof WINDOW_MS;
export const WINDOW_NAMES = Object.keys(WINDOW_MS) as WindowName[];

const BUCKETS_PER_WINDOW = 300;

export interface WindowUse {
  window: WindowName;
  limit: number;
  /** [bucket index, units], oldest first. */
  buckets: [number, number][];
}

const bucketMs = (w: WindowName) => WINDOW_MS[w] / BUCKETS_PER_WINDOW;

/** When the units of a bucket stop counting. */
const expiresAt = (w: WindowName, bucket: number) => (bucket + 1) * bucketMs(w) + WINDOW_MS[w];

export const emptyWindow = (window: WindowName, limit: number): WindowUse => ({ window, limit, buckets: [] });

/** Units used in the window at `now`. */
export function usedIn(w: WindowUse, now: number): number {
  let sum = 0;
  for (const [bucket, units] of w.buckets) if (expiresAt(w.window, bucket) > now) sum += units;
  return sum;
}

/** When the oldest use still counted stops counting (the window then has more room); null when nothing is used. */
export function resetsAt(w: WindowUse, now: number): number | null {
  for (const [bucket] of w.buckets) {
    const at = expiresAt(w.window, bucket);
    if (at > now) return at;
  }
  return null;
}

/** The room every window of a set has left, beside `held` units that calls in flight hold. */
export function roomIn(windows: WindowUse[], held: number, now: number): number {
  let room = Number.POSITIVE_INFINITY;
  for (const w of windows) room = Math.min(room, w.limit - usedIn(w, now) - held);
  return Math.max(0, room);
}

/**
 * Counts a charge in every window, as much of it as all of them still have room for; answers
 * that part (the rest is the balance's). Drops buckets that no longer count.
 */
export function chargeWindows(windows: WindowUse[], charge: number, now: number): number {
  const part = Math.min(Math.max(0, Math.floor(charge)), roomIn(windows, 0, now));
  for (const w of windows) {
    w.buckets = w.buckets.filter(([bucket]) => expiresAt(w.window, bucket) > now);
    if (part === 0) continue;
    const bucket = Math.floor(now / bucketMs(w.window));
    const last = w.buckets[w.buckets.length - 1];
    if (last && last[0] === bucket) last[1] += part;
    else w.buckets.push([bucket, part]);
  }
  return part;
}
