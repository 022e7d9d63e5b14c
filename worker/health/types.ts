import type { CircuitState } from '../db/snapshots';
import type { KeyAside, KeyNews } from '../relay/keys';

export interface HealthReport {
  channelId: number;
  ok: boolean;
  latencyMs: number;
  error: string | null;
  /** The upstream said the channel's key is dead (401, invalid key, no quota). */
  keyDead: boolean;
  threshold: number;
  cooldownMs: number;
  /** False when the try says nothing about the channel (only `keys` is applied). Default true. */
  counts?: boolean;
  keys?: KeyNews;
}

export interface HealthView {
  state: CircuitState;
  openedAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  latencyMs: number | null;
  autoDisabled: boolean;
  /** Keys set aside on their own, by index. */
  keysAside: KeyAside[];
  /** Grows with every change of state: an isolate applies a view only if it is not older than what it has. */
  version: number;
}

/** Whatever CHANNEL_COOLDOWN_SECONDS says, a recovered channel serves again within 5 minutes. */
export const MAX_COOLDOWN_MS = 4 * 60_000;

export const effectiveCooldownMs = (seconds: number) => Math.min(seconds * 1000, MAX_COOLDOWN_MS);
