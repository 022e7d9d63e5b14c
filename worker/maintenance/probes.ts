import { refreshChannels } from '../db/snapshots';
import { effectiveCooldownMs } from '../health/types';
import { testChannel } from '../relay/probe';
import type { Job } from './types';

const PER_TICK = 10;

/**
 * Tests auto-disabled channels, and open circuits whose cooldown has passed, with a real call;
 * a channel that answers is re-enabled (its health object lifts the automatic disable).
 */
export const probes: Job = {
  name: 'probes',
  async run({ env, settings, now, budget }) {
    const channels = await refreshChannels(env);
    const cooldown = effectiveCooldownMs(settings.CHANNEL_COOLDOWN_SECONDS);
    const due = channels.filter(
      (c) => c.status === 'auto_disabled' || (c.status === 'enabled' && c.health.state === 'open' && c.health.openedAt !== null && now - c.health.openedAt >= cooldown),
    );
    const batch = due.slice(0, PER_TICK * budget);
    const results = await Promise.all(batch.map(async (c) => ({ id: c.id, ...(await testChannel(env, c)) })));
    return { rows: batch.length, more: due.length > batch.length, details: { recovered: results.filter((r) => r.ok).map((r) => r.id) } };
  },
};
