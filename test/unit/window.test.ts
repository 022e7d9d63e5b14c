import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../worker/gate/window';
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
    for (let i = 0; i < 100_000; i++) w.add(3_000_000_000 + i * 7, 300);
    expect(w.total(3_000_000_000 + 700_000)).toBeGreaterThan(0);
  });
});

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
