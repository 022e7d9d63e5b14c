import { refreshChannels, type ChannelRecord } from '../db/snapshots';
import { effectiveCooldownMs } from '../health/types';
import { testChannel, testKey } from '../relay/probe';
import type { Job } from './types';

const PER_TICK = 10;

/** Set-aside keys of enabled channels: each is tried on every run (the cron runs every 2 minutes), so one that works again is back within 5. */
const keysToProbe = (channels: ChannelRecord[]) =>
  channels
    .filter((c) => c.status === 'enabled')
    .flatMap((c) =>
      (c.health.keysAside ?? []).filter((k) => k.index < c.keyCount).map((k) => ({ channel: c, index: k.index })),
    );

/**
 * Tests auto-disabled channels, and open circuits whose cooldown has passed, with a real call;
 * a channel that answers is re-enabled (its health object lifts the automatic disable). Then
 * each set-aside key of an enabled channel, alone: a key that answers serves again.
 */
export const probes: Job = {
  name: 'probes',
  async run({ env, settings, now, budget }) {
    const channels = await refreshChannels(env);
    const cooldown = effectiveCooldownMs(settings.CHANNEL_COOLDOWN_SECONDS);
    const due = channels.filter(
      (c) =>
        c.status === 'auto_disabled' ||
        (c.status === 'enabled' &&
          c.health.state === 'open' &&
          c.health.openedAt !== null &&
          now - c.health.openedAt >= cooldown),
    );
    const batch = due.slice(0, PER_TICK * budget);
    const results = await Promise.all(batch.map(async (c) => ({ id: c.id, ...(await testChannel(env, c)) })));
    const keys = keysToProbe(channels).slice(0, Math.max(0, PER_TICK * budget - batch.length));
    const keyResults = await Promise.all(
      keys.map(async (k) => ({ channel: k.channel.id, index: k.index, ...(await testKey(env, k.channel, k.index)) })),
    );
    return {
      rows: batch.length + keys.length,
      more: due.length > batch.length || keysToProbe(channels).length > keys.length,
      details: {
        recovered: results.filter((r) => r.ok).map((r) => r.id),
        keys_recovered: keyResults.filter((r) => r.ok).map((r) => ({ channel_id: r.channel, index: r.index })),
      },
    };
  },
};
