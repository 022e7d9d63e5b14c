import { describe, expect, it } from 'vitest';
import { SlidingWindow, WINDOW_SECONDS } from '../../worker/gate/window';
import { ipAllowed, isIpOrCidr } from '../../worker/lib/ip';

describe('SlidingWindow', () => {
  it('counts the last 60 seconds, not the calendar minute', () => {
    const w = new SlidingWindow();
    const t0 = 1_000_000_000;
    w.add(t0, 5);
    w.add(t0 + 30_000, 3);
    expect(w.total(t0 + 59_000)).toBe(8);
    expect(w.total(t0 + 60_500)).toBe(3);
    expect(w.total(t0 + 91_000)).toBe(0);
  });

  it('says when the total drops below a limit', () => {
    const w = new SlidingWindow();
    const t0 = 2_000_000_000;
    w.add(t0, 2);
    w.add(t0 + 10_000, 1);
    expect(w.secondsUntilBelow(t0 + 10_000, 3)).toBe(50);
    expect(w.secondsUntilBelow(t0 + 10_000, 1)).toBe(60);
  });

  it('keeps constant memory at any rate', () => {
    const w = new SlidingWindow();
    const t0 = 3_000_000_000;
    // an event every 7 ms (143 a second): 100,000 of them fill the window, ten times more go on for two hours
    const feed = (from: number, count: number) => {
      for (let i = from; i < from + count; i++) w.add(t0 + i * 7, 300);
    };
    feed(0, 100_000);
    const full = memoryOf(w);
    feed(100_000, 1_000_000);
    expect(full.slots).toBe(2 * WINDOW_SECONDS);
    expect(memoryOf(w)).toEqual(full);
    // and nothing in the last 60 seconds was lost to keep it that small
    // at t0 + 7,700 s the window holds seconds 7,641 to 7,700: events 1,091,572 (7,641,004 ms) to 1,099,999
    expect(w.total(t0 + 7_700_000)).toBe(300 * (1_100_000 - 1_091_572));
  });
});

/** The window's own state, measured: the slots of its arrays and its serialized size. */
function memoryOf(window: SlidingWindow): { slots: number; bytes: number } {
  const fields: unknown[] = Object.values(window);
  const arrays = fields.filter((f): f is unknown[] => Array.isArray(f));
  // every field is an array of slots, so their lengths are the whole of its state
  expect(arrays).toHaveLength(fields.length);
  return { slots: arrays.reduce((n, a) => n + a.length, 0), bytes: JSON.stringify(window).length };
}

describe('IP allow-lists', () => {
  it('matches IPv4 and IPv6 addresses and CIDRs', () => {
    expect(ipAllowed('203.0.113.7', ['203.0.113.0/24'])).toBe(true);
    expect(ipAllowed('203.0.114.7', ['203.0.113.0/24'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(ipAllowed('2001:db9::1', ['2001:db8::/32'])).toBe(false);
    expect(ipAllowed('::ffff:10.0.0.1', ['10.0.0.0/8'])).toBe(true);
    expect(ipAllowed('10.0.0.1', ['10.0.0.1'])).toBe(true);
    expect(ipAllowed(null, ['10.0.0.1'])).toBe(false);
    expect(ipAllowed('not-an-ip', ['0.0.0.0/0'])).toBe(false);
  });

  it('validates entries', () => {
    expect(isIpOrCidr('10.0.0.0/8')).toBe(true);
    expect(isIpOrCidr('::1')).toBe(true);
    expect(isIpOrCidr('10.0.0.0/33')).toBe(false);
    expect(isIpOrCidr('example.com')).toBe(false);
  });
});
