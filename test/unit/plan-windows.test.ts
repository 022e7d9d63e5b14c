import { describe, expect, it } from 'vitest';
import { WINDOW_MS, chargeWindows, emptyWindow, resetsAt, roomIn, usedIn } from '../../worker/billing/windows';

const H = 3_600_000;

describe('plan windows', () => {
  it('counts a use for the window length from its bucket, then lets it go', () => {
    const w = emptyWindow('5h', 1000);
    const t0 = 1_000 * 60_000; // a bucket boundary
    expect(chargeWindows([w], 300, t0)).toBe(300);
    expect(usedIn(w, t0 + 5 * H - 1)).toBe(300);
    // Kept until its one-minute bucket ends plus five hours, never less than five hours.
    expect(usedIn(w, t0 + 5 * H + 59_999)).toBe(300);
    expect(usedIn(w, t0 + 5 * H + 60_000)).toBe(0);
    expect(resetsAt(w, t0)).toBe(t0 + 60_000 + 5 * H);
    expect(resetsAt(w, t0 + 6 * H)).toBeNull();
  });

  it('takes only what every window has room for: the smallest room wins, the rest is not counted', () => {
    const short = emptyWindow('5h', 1000);
    const day = emptyWindow('1d', 1500);
    const t0 = 50 * H;
    expect(chargeWindows([short, day], 800, t0)).toBe(800);
    expect(roomIn([short, day], 0, t0)).toBe(200);
    expect(chargeWindows([short, day], 500, t0 + 1000)).toBe(200);
    expect(usedIn(short, t0 + 1000)).toBe(1000);
    expect(usedIn(day, t0 + 1000)).toBe(1000);
    // Five hours on, the short window has rolled over; the day window still holds 1000 of 1500.
    const later = t0 + 5 * H + 2 * 60_000;
    expect(usedIn(short, later)).toBe(0);
    expect(roomIn([short, day], 0, later)).toBe(500);
    expect(chargeWindows([short, day], 700, later)).toBe(500);
    expect(usedIn(day, later)).toBe(1500);
  });

  it('subtracts holds in flight from the room and never answers below zero', () => {
    const w = emptyWindow('1d', 100);
    chargeWindows([w], 60, 0);
    expect(roomIn([w], 30, 1)).toBe(10);
    expect(roomIn([w], 50, 1)).toBe(0);
    expect(chargeWindows([w], 0, 2)).toBe(0);
  });

  it('drops buckets that no longer count, so a month-long window stays small', () => {
    const w = emptyWindow('30d', Number.MAX_SAFE_INTEGER);
    const step = WINDOW_MS['30d'] / 300;
    for (let i = 0; i < 1200; i++) chargeWindows([w], 1, i * step);
    expect(w.buckets.length).toBeLessThanOrEqual(302);
    expect(usedIn(w, 1199 * step)).toBe(w.buckets.length);
  });
});
