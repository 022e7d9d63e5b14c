import type { ChannelRecord } from '../db/snapshots';
import type { Endpoint } from './formats';
import { serves } from './providers';

/** Every channel set up for the model and group whose type serves the format, in any state (the 404 test). */
export function channelsFor(
  channels: ChannelRecord[],
  endpoint: Endpoint,
  model: string,
  group: string,
): ChannelRecord[] {
  return channels.filter((c) => serves(c, endpoint) && c.groups.includes(group) && c.models.includes(model));
}

export type Availability = 'ready' | 'probe' | 'unavailable';

/** From the snapshot alone: a closed circuit is ready; an open one past its cooldown may be probed. */
export function availability(c: ChannelRecord, now: number, cooldownMs: number, skipUntil?: number): Availability {
  if (c.status !== 'enabled') return 'unavailable';
  if (skipUntil !== undefined && skipUntil > now) return 'unavailable';
  if (c.health.state === 'closed') return 'ready';
  if (c.health.state === 'open' && c.health.openedAt !== null && now - c.health.openedAt < cooldownMs)
    return 'unavailable';
  return 'probe';
}

/**
 * Orders candidates for one request: highest priority tier first, weighted random inside a tier.
 * Pure given `random`, so the weights are tested over many draws.
 */
export function orderCandidates<T extends { priority: number; weight: number }>(
  candidates: T[],
  random: () => number = Math.random,
): T[] {
  const tiers = new Map<number, T[]>();
  for (const c of candidates) {
    const tier = tiers.get(c.priority) ?? [];
    tier.push(c);
    tiers.set(c.priority, tier);
  }
  const out: T[] = [];
  for (const priority of [...tiers.keys()].sort((a, b) => b - a))
    out.push(...weightedShuffle(tiers.get(priority)!, random));
  return out;
}

function weightedShuffle<T extends { weight: number }>(items: T[], random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((s, c) => s + Math.max(0, c.weight), 0);
    let index = 0;
    if (total > 0) {
      let r = random() * total;
      index = pool.findIndex((c) => {
        r -= Math.max(0, c.weight);
        return r < 0;
      });
      if (index < 0) index = pool.length - 1;
    } else {
      index = Math.floor(random() * pool.length);
    }
    out.push(pool.splice(index, 1)[0]);
  }
  return out;
}

/** The name sent upstream: the channel's mapping of the asked model, or the model itself. */
export const upstreamModel = (c: ChannelRecord, model: string) => c.modelMapping?.[model] ?? model;
