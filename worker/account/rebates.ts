/**
 * Referral rebates as the account object keeps them (worker/account/account.ts applies these
 * plans inside its own steps). The rebate is kept apart from the balance: its own balance, what
 * pending withdrawals hold, and a mark per order and per withdrawal so that every notice and
 * decision counts once whatever the order in which they arrive.
 *
 * The invitee's object decides an order's rebate in the very step that credits the order, and
 * queues a notice to the inviter's object in the same storage write (`out:` keys); the notice is
 * delivered until it is taken (the inviter's object ignores a repeat).
 */
import type { REBATE_KINDS } from '../db/schema-growth';

export type RebateKind = (typeof REBATE_KINDS)[number];

export interface RebateState {
  balance: number;
  /** Everything ever earned (after take-backs). */
  total: number;
  /** What pending withdrawals hold. */
  held: number;
}

export const REBATE_KEY = 'rebate';
export const emptyRebate = (): RebateState => ({ balance: 0, total: 0, held: 0 });

/** A notice from an invitee's object: an order's rebate earned, or how much of it a refund takes back in all. */
export interface RebateNotice {
  kind: 'earn' | 'claw';
  inviteeId: number;
  orderNo: string;
  /** earn: the rebate; claw: the units taken back in all so far (cumulative). */
  units: number;
}

/** Kept by the invitee's object with the order's credit: what a refund of it takes back. */
export interface OrderRebate {
  inviterId: number;
  units: number;
  credit: number;
}

export const orderRebateKey = (orderNo: string) => `rbo:${orderNo}`;
export const outboxKey = (orderNo: string, kind: RebateNotice['kind']) => `out:${orderNo}:${kind === 'earn' ? 1 : 2}`;
export interface Outgoing {
  inviterId: number;
  notice: RebateNotice;
}

/** The inviter's mark for one order: what it earned (null until the earn notice comes), and take-backs. */
export interface EarnMark {
  earned: number | null;
  clawTarget: number;
  clawed: number;
}
export const earnKey = (orderNo: string) => `rbe:${orderNo}`;

/** A notice applied to the order's mark: the units the rebate balance gains (+) or loses (-). Nothing when it changes nothing. */
export function applyNotice(
  mark: EarnMark | undefined,
  n: RebateNotice,
  balance: number,
): { mark: EarnMark; earn: number; claw: number } | null {
  const before = mark ?? { earned: null, clawTarget: 0, clawed: 0 };
  const next = { ...before };
  let earn = 0;
  if (n.kind === 'earn') {
    if (before.earned !== null) return null;
    next.earned = earn = Math.max(0, n.units);
  } else {
    if (n.units <= before.clawTarget) return null;
    next.clawTarget = n.units;
  }
  // A take-back never exceeds what the order earned, nor what the rebate balance holds now.
  const due = Math.max(0, Math.min(next.clawTarget, next.earned ?? 0) - next.clawed);
  const claw = Math.min(due, Math.max(0, balance + earn));
  next.clawed += due;
  return { mark: next, earn, claw };
}

/** The rebate a refund takes back in all: the refunded share of the order's rebate. */
export const clawTarget = (r: OrderRebate, takenBack: number) =>
  r.credit <= 0 ? 0 : Number((BigInt(r.units) * BigInt(Math.min(takenBack, r.credit))) / BigInt(r.credit));

export type WithdrawalStatus = 'pending' | 'approved' | 'rejected';
export interface WithdrawalMark {
  units: number;
  status: WithdrawalStatus;
}
export const withdrawalKey = (id: string) => `wd:${id}`;

/** A row of the rebate history, flushed to D1 with the ledger. */
export interface RebateEntry {
  uid: string;
  userId: number;
  kind: RebateKind;
  units: number;
  inviteeId: number | null;
  orderNo: string | null;
  withdrawalId: string | null;
  createdAt: number;
}

export type RebateResult =
  | { ok: true; replayed: boolean; rebate: RebateState; quota: number }
  | { ok: false; error: 'insufficient' | 'conflict' | 'not_found'; message: string };
