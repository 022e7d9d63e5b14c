import type { HoldPlan } from '../billing/hold';
import type { LedgerReason } from '../db/ledger';
import type { LogWrite } from '../db/logs';

export type { LedgerReason, LogWrite };

export type Revocation = 'deleted' | 'disabled' | 'expired';

export interface ReserveInput {
  tokenId: number;
  keyHash: string;
  requestId: string;
  plan: HoldPlan;
  /** The model called: a plan that covers it is held against first (./plans). */
  model?: string;
  /** The key is served from plans only: never from the balance. */
  planOnly?: boolean;
}

/** Why a `plan_only` key's call was refused: every covering window is full, or no plan covers the model. */
export type PlanRefusal =
  | { ok: false; reason: 'plan_window_exhausted'; resetsAt: number | null }
  | { ok: false; reason: 'plan_required' };

/** A hold taken: `allowance` completion tokens per choice, the most the account could cover up to what was wanted. */
export type ReserveResult =
  | { ok: true; units: number; allowance: number; plan?: string }
  | { ok: false; reason: 'user_balance' | 'token_cap' | Revocation }
  | PlanRefusal;

/** What the management API last said about a key: the last word on whether it may be used. */
export interface TokenTruth {
  status: 'enabled' | 'disabled' | 'expired' | 'deleted';
  keyHash: string | null;
  expiresAt: number | null;
}

export interface SettleInput {
  requestId: string;
  tokenId: number | null;
  charge: number;
  log: LogWrite;
  /**
   * The caller's first send of this request id, so no earlier instance of the object can have
   * settled it and its stored mark need not be read. Absent: the mark is checked.
   */
  firstSend?: boolean;
}

export interface SettleResult {
  charged: number;
  capped: boolean;
}

export interface Balance {
  quota: number;
  usedQuota: number;
}

export interface CreditInput {
  delta: number;
  reason: LedgerReason;
  note: string | null;
  /** The credit happens once per key: a repeat answers what the first did. */
  idempotencyKey?: string;
  /** How long the key is remembered; forever when left out (order numbers, codes). */
  keyTtlMs?: number;
  orderNo?: string | null;
  /** Who made the credit (kept with the key): a repeat learns who made the first. */
  by?: string;
  /** A paid order of an invitee: the inviter's rebate, earned in this same step (./rebates). */
  rebate?: { inviterId: number; units: number };
}

/** `replayed`: the key was credited before, by `by`; nothing changed now. */
export type CreditResult =
  | (Balance & { ok: true; replayed: boolean; by: string | null })
  | { ok: false; error: string };

/** The balance against the ledger, read in one consistent view (for reconciliation). */
export type Audit = { ok: true; balance: number; ledgerInD1: number; pending: number } | { ok: false; error: string };
