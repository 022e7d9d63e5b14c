import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { refreshChannels } from '../db/snapshots';
import { recordEvent } from '../db/events';
import { dbOf, runBatch, type Statement } from '../db/client';
import { mirrorHealth } from '../db/channels';
import type { HealthReport, HealthView } from './types';
import { applyKeyNews, sameKeysAside, type KeyAside, type KeyNews } from '../relay/keys';

interface HealthState extends Omit<HealthView, 'keysAside'> {
  channelId: number;
  probeLeaseUntil: number | null;
  /** Consecutive answers saying the key is dead; one alone never disables the channel. */
  deadStreak?: number;
  keysAside?: KeyAside[];
}

const PROBE_LEASE_MS = 60_000;
/** How long callers wait for a probe's verdict before they go anyway (see acquireProbe). */
export const PROBE_WAIT_MS = 5_000;
const LATENCY_WEIGHT = 0.2;

/**
 * One per channel: failure streak, latency and the circuit. Transitions are written to D1, logged
 * as events, and pushed into the channel snapshot, so pickers skip an open channel without
 * asking this object.
 */
export class ChannelHealth extends DurableObject<Env> {
  private health: HealthState | undefined;
  /** Callers waiting for the probe in flight: told true (go) or false (the channel failed again). */
  private waiting: ((go: boolean) => void)[] = [];
  /** Publishes run one after another, so the last snapshot written is of the latest state. */
  private publishing: Promise<void> = Promise.resolve();

  private async load(channelId: number): Promise<HealthState> {
    if (this.health) return this.health;
    const stored = await this.ctx.storage.get<HealthState>('health');
    this.health ??= stored ?? {
      channelId,
      state: 'closed',
      openedAt: null,
      consecutiveFailures: 0,
      lastError: null,
      latencyMs: null,
      autoDisabled: false,
      probeLeaseUntil: null,
      version: 0,
    };
    return this.health;
  }

  async view(channelId: number): Promise<HealthView> {
    return toView(await this.load(channelId));
  }

  async report(r: HealthReport): Promise<HealthView> {
    const h = await this.load(r.channelId);
    const before = h.state;
    const { disableNow, enableNow } = r.counts === false ? { disableNow: false, enableNow: false } : countAgainst(h, r);
    const keyNotes = r.keys ? this.applyKeys(h, r.keys) : [];
    const changed = before !== h.state || disableNow || enableNow || keyNotes.length > 0;
    if (changed) h.version = (h.version ?? 0) + 1;
    await this.ctx.storage.put('health', h);
    if (r.counts !== false && (r.ok || h.state === 'open')) this.release(r.ok);
    if (changed) await this.publish(h, before, disableNow, enableNow, keyNotes);
    return toView(h);
  }

  /** Applies what a try learned about the keys; answers one event line per change. */
  private applyKeys(h: HealthState, news: KeyNews): KeyEvent[] {
    const was = h.keysAside ?? [];
    const next = applyKeyNews(was, news, Number.MAX_SAFE_INTEGER);
    if (sameKeysAside(was, next)) return [];
    h.keysAside = next;
    const notes: KeyEvent[] = [];
    for (const k of next)
      if (!was.some((w) => w.index === k.index))
        notes.push({ kind: 'channel_key_disabled', message: `key #${k.index} set aside: ${k.error}` });
    for (const k of was)
      if (!next.some((n) => n.index === k.index))
        notes.push({ kind: 'channel_key_enabled', message: `key #${k.index} answers again` });
    // A set-aside key refused again only refreshes its last error: newer text, no event.
    return notes.length > 0 ? notes : [{ kind: null, message: '' }];
  }

  /** The operator's word: the key serves again at once. */
  async enableKey(channelId: number, index: number): Promise<HealthView> {
    const h = await this.load(channelId);
    const was = h.keysAside ?? [];
    if (!was.some((k) => k.index === index)) return toView(h);
    h.keysAside = was.filter((k) => k.index !== index);
    h.version = (h.version ?? 0) + 1;
    await this.ctx.storage.put('health', h);
    await this.publish(h, h.state, false, false, [
      { kind: 'channel_key_enabled', message: `key #${index} re-enabled by an operator` },
    ]);
    return toView(h);
  }

  /**
   * Whether this caller may use the channel. A closed circuit: yes. An open one inside its
   * cooldown: no. Past the cooldown the first caller gets the probe (half-open); callers that come
   * while it is in flight wait for its verdict (up to `waitMs`) rather than being refused: a
   * success lets them all through, a failure sends them to other channels. With no verdict in
   * time they go anyway: nothing has failed since the cooldown, and a burst is not refused for a
   * channel that has not failed.
   */
  async acquireProbe(channelId: number, cooldownMs: number, waitMs = PROBE_WAIT_MS): Promise<boolean> {
    const h = await this.load(channelId);
    const now = Date.now();
    if (h.state === 'closed') return true;
    if (h.state === 'open' && h.openedAt !== null && now - h.openedAt < cooldownMs) return false;
    if (h.probeLeaseUntil !== null && h.probeLeaseUntil > now) return this.awaitVerdict(waitMs);
    const before = h.state;
    h.state = 'half_open';
    h.probeLeaseUntil = now + PROBE_LEASE_MS;
    h.version = (h.version ?? 0) + 1;
    await this.ctx.storage.put('health', h);
    if (before !== 'half_open') await this.publish(h, before, false, false);
    return true;
  }

  private awaitVerdict(waitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(true), waitMs);
      const settle = (go: boolean) => {
        clearTimeout(timer);
        this.waiting = this.waiting.filter((w) => w !== settle);
        resolve(go);
      };
      this.waiting.push(settle);
    });
  }

  private release(go: boolean): void {
    for (const settle of [...this.waiting]) settle(go);
  }

  /** The operator re-enabled the channel or changed it: start from a clean, closed circuit. */
  async reset(channelId: number, clearKeys = false): Promise<void> {
    const h = await this.load(channelId);
    Object.assign(h, {
      state: 'closed',
      openedAt: null,
      consecutiveFailures: 0,
      autoDisabled: false,
      probeLeaseUntil: null,
      deadStreak: 0,
      version: (h.version ?? 0) + 1,
    });
    // New keys: the old list's indexes mean nothing any more (the caller clears the row's copy).
    if (clearKeys) h.keysAside = [];
    await this.ctx.storage.put('health', h);
    this.release(true);
  }

  private publish(
    h: HealthState,
    before: string,
    disabled: boolean,
    enabled: boolean,
    keyNotes: KeyEvent[] = [],
  ): Promise<void> {
    const snapshot = { ...h };
    const next = this.publishing.then(() => this.publishNow(snapshot, before, disabled, enabled, keyNotes));
    this.publishing = next.catch(() => undefined);
    return next;
  }

  private async publishNow(
    h: HealthState,
    before: string,
    disabled: boolean,
    enabled: boolean,
    keyNotes: KeyEvent[],
  ): Promise<void> {
    const db = dbOf(this.env.DB);
    const now = Date.now();
    const subject = `channel:${h.channelId}`;
    const statements: Statement[] = [
      mirrorHealth(db, h.channelId, { ...h, keysAside: h.keysAside ?? [], disabled, enabled }, now),
    ];
    if (before !== h.state)
      statements.push(
        recordEvent(db, `circuit_${h.state}`, subject, `circuit ${before} -> ${h.state}`, { error: h.lastError }, now),
      );
    if (disabled)
      statements.push(recordEvent(db, 'channel_auto_disabled', subject, `auto-disabled: ${h.lastError}`, null, now));
    if (enabled)
      statements.push(
        recordEvent(db, 'channel_auto_enabled', subject, 're-enabled after a successful call', null, now),
      );
    for (const n of keyNotes) if (n.kind) statements.push(recordEvent(db, n.kind, subject, n.message, null, now));
    await runBatch(db, statements);
    await refreshChannels(this.env);
  }
}

function toView(h: HealthState): HealthView {
  return {
    state: h.state,
    openedAt: h.openedAt,
    consecutiveFailures: h.consecutiveFailures,
    lastError: h.lastError,
    latencyMs: h.latencyMs,
    autoDisabled: h.autoDisabled,
    keysAside: h.keysAside ?? [],
    version: h.version ?? 0,
  };
}

/** An event to record for a key change; `kind: null` is a change worth publishing but not logging. */
interface KeyEvent {
  kind: 'channel_key_disabled' | 'channel_key_enabled' | null;
  message: string;
}

/** The try counted against (or for) the channel: streak, circuit, and the dead-key disable. */
function countAgainst(h: HealthState, r: HealthReport): { disableNow: boolean; enableNow: boolean } {
  const before = h.state;
  if (r.ok) {
    h.latencyMs =
      h.latencyMs === null
        ? r.latencyMs
        : Math.round(h.latencyMs * (1 - LATENCY_WEIGHT) + r.latencyMs * LATENCY_WEIGHT);
    h.consecutiveFailures = 0;
    h.state = 'closed';
    h.openedAt = null;
    h.probeLeaseUntil = null;
  } else {
    h.consecutiveFailures += 1;
    h.lastError = r.error?.slice(0, 500) ?? 'unknown error';
    if (before === 'half_open' || h.consecutiveFailures >= r.threshold) {
      h.state = 'open';
      h.openedAt = Date.now();
      h.probeLeaseUntil = null;
    }
  }
  // A dead key disables the channel once the failure threshold of such answers says so in a row:
  // one 401 (a provider's blip, a mis-routed request) is not enough.
  h.deadStreak = r.ok ? 0 : r.keyDead ? (h.deadStreak ?? 0) + 1 : (h.deadStreak ?? 0);
  const disableNow = !r.ok && r.keyDead && h.deadStreak >= r.threshold && !h.autoDisabled;
  const enableNow = r.ok && h.autoDisabled;
  if (disableNow) h.autoDisabled = true;
  if (enableNow) h.autoDisabled = false;
  return { disableNow, enableNow };
}
