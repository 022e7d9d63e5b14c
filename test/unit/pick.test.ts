import { describe, expect, it } from 'vitest';
import { availability, channelsFor, orderCandidates } from '../../worker/relay/pick';
import type { ChannelRecord } from '../../worker/db/snapshots';

const ch = (id: number, p: Partial<ChannelRecord> = {}): ChannelRecord => ({
  id,
  name: `c${id}`,
  type: 'openai',
  baseUrl: 'http://x',
  keysSealed: '',
  keyCount: 1,
  models: ['m'],
  modelMapping: null,
  servesResponses: true,
  groups: ['default'],
  priority: 0,
  weight: 1,
  status: 'enabled',
  health: { state: 'closed', openedAt: null },
  ...p,
});

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('channel picking', () => {
  it('follows the weights inside a tier over many picks', () => {
    const random = seeded(42);
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const first = orderCandidates([ch(1, { weight: 1 }), ch(2, { weight: 3 })], random)[0];
      counts.set(first.id, (counts.get(first.id) ?? 0) + 1);
    }
    const share = (counts.get(2) ?? 0) / 20_000;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
  });

  it('tries the highest priority tier first, then the next', () => {
    const order = orderCandidates([
      ch(1, { priority: 0 }),
      ch(2, { priority: 10 }),
      ch(3, { priority: 5 }),
      ch(4, { priority: 10 }),
    ]);
    expect(
      order
        .slice(0, 2)
        .map((c) => c.id)
        .sort(),
    ).toEqual([2, 4]);
    expect(order[2].id).toBe(3);
    expect(order[3].id).toBe(1);
  });

  it('lists each channel once, so a failed one is never tried again for the request', () => {
    const order = orderCandidates([ch(1), ch(2), ch(3)]);
    expect(new Set(order.map((c) => c.id)).size).toBe(3);
  });

  it('a weight of zero is last in its tier', () => {
    for (let i = 0; i < 50; i++) expect(orderCandidates([ch(1, { weight: 0 }), ch(2, { weight: 1 })])[0].id).toBe(2);
  });

  it('filters channels by model, group and endpoint type', () => {
    const all = [ch(1), ch(2, { groups: ['vip'] }), ch(3, { models: ['other'] }), ch(4, { type: 'anthropic' })];
    // chat is served by OpenAI channels as asked and by Anthropic ones converted
    expect(channelsFor(all, 'chat', 'm', 'default').map((c) => c.id)).toEqual([1, 4]);
    expect(channelsFor(all, 'completions', 'm', 'default').map((c) => c.id)).toEqual([1]);
    expect(channelsFor(all, 'messages', 'm', 'default').map((c) => c.id)).toEqual([1, 4]);
  });

  it('skips disabled channels and open circuits until their cooldown passes', () => {
    const now = 1_000_000;
    expect(availability(ch(1, { status: 'disabled' }), now, 60_000)).toBe('unavailable');
    expect(availability(ch(1, { status: 'auto_disabled' }), now, 60_000)).toBe('unavailable');
    expect(availability(ch(1, { health: { state: 'open', openedAt: now - 1000 } }), now, 60_000)).toBe('unavailable');
    expect(availability(ch(1, { health: { state: 'open', openedAt: now - 61_000 } }), now, 60_000)).toBe('probe');
    expect(availability(ch(1), now, 60_000)).toBe('ready');
    expect(availability(ch(1), now, 60_000, now + 5000)).toBe('unavailable');
  });
});
