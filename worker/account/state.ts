/** What the account object keeps, how long it keeps it, and the names of its storage keys. */
import type { Balance, SettleInput, SettleResult } from './types';

export interface AccountState {
  userId: number;
  balance: number;
  used: number;
  /** A disabled user's keys are all refused on their next request. */
  disabled?: boolean;
}

export interface Reservation {
  tokenId: number | null;
  units: number;
  at: number;
  /** Held against this plan subscription's windows rather than the balance. */
  subId?: string;
}

/** A settled request, kept a while so a retried settle charges nothing twice. */
export type Settled = SettleResult;

/** A credit made under an idempotency key (Idempotency-Key, order number, code). */
export interface CreditMark extends Balance {
  at: number;
  expiresAt: number | null;
  by?: string;
}

export const FLUSH_DELAY_MS = 500;
export const FLUSH_BATCH = 200;
/** Batches one alarm writes before it hands over to the next alarm. */
export const FLUSHES_PER_ALARM = 5;
export const MAX_RETRY_MS = 60_000;
/** A reservation older than this is from a request that died without settling. */
export const RESERVATION_TTL_MS = 15 * 60_000;
/** How long a settle is remembered: a retry comes within seconds. */
export const SETTLED_TTL_MS = 10 * 60_000;
export const RECENT_SETTLES = 50_000;
export const SWEEP_EVERY_MS = 30_000;
export const SWEEP_LIMIT = 8192;

export const minuteOf = (ms: number) => String(Math.floor(ms / 60_000)).padStart(10, '0');

/** A settle's mark, by the minute its log row was made: the same for every retry of it. */
export const settledKey = (input: SettleInput) => `done:${minuteOf(input.log.created_at)}:${input.requestId}`;
