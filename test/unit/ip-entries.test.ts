// Allow-list entries of every shape (written against the mutants StrykerJS found alive).
import { describe, expect, it } from 'vitest';
import { ipAllowed, isIpOrCidr } from '../../worker/lib/ip';

describe('IP allow-list entries', () => {
  it('a single address matches itself only, IPv4 and IPv6', () => {
    expect(ipAllowed('198.51.100.7', ['198.51.100.7'])).toBe(true);
    expect(ipAllowed('198.51.100.8', ['198.51.100.7'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['2001:db8::1'])).toBe(true);
    expect(ipAllowed('2001:db8::2', ['2001:db8::1'])).toBe(false);
  });
  it('an IPv4-mapped entry stands for its IPv4 address or range', () => {
    expect(ipAllowed('198.51.100.7', ['::ffff:198.51.100.7'])).toBe(true);
    expect(ipAllowed('198.51.100.8', ['::ffff:198.51.100.7'])).toBe(false);
    expect(ipAllowed('198.51.100.7', ['::ffff:198.51.100.0/120'])).toBe(true);
    expect(ipAllowed('198.51.101.7', ['::ffff:198.51.100.0/120'])).toBe(false);
    expect(ipAllowed('203.0.113.1', ['::ffff:0.0.0.0/96'])).toBe(true);
    expect(ipAllowed('::ffff:203.0.113.1', ['::ffff:203.0.113.0/128'])).toBe(false);
    expect(ipAllowed('::ffff:203.0.113.1', ['::ffff:203.0.113.1/128'])).toBe(true);
  });
  it('a mapped range wider than /96 reaches past IPv4 and is refused', () => {
    expect(isIpOrCidr('::ffff:0.0.0.0/96')).toBe(true);
    expect(isIpOrCidr('::ffff:0.0.0.0/95')).toBe(false);
    expect(ipAllowed('203.0.113.1', ['::ffff:0.0.0.0/95'])).toBe(false);
    expect(ipAllowed('::1', ['::ffff:0.0.0.0/95'])).toBe(false);
  });
  it('never matches across families, and a bad entry matches nothing but spoils no other', () => {
    expect(ipAllowed('198.51.100.7', ['::/0'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['0.0.0.0/0'])).toBe(false);
    expect(ipAllowed('198.51.100.7', ['nonsense', '10.0.0.0/8', '198.51.100.0/24'])).toBe(true);
    expect(ipAllowed('198.51.100.7', [])).toBe(false);
    expect(ipAllowed('', ['0.0.0.0/0'])).toBe(false);
  });
});
