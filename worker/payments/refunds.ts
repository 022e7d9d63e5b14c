/**
 * Refunds and disputes of a credited Stripe order take the refunded share of its credit back,
 * through the user's account object (never below zero, once per claim), as one `refund` ledger
 * row, with an event for the operator and another for any shortfall.
 */
import type { Env } from '../env';
import { accountOf } from '../account/client';
import { dbOf, runBatch } from '../db/client';
import { recordEvent } from '../db/events';
import { orderByPaymentIntent } from '../db/orders';
import { dec } from '../billing/decimal';
import { minorUnits } from './money';

export interface Claim {
  kind: 'refund' | 'dispute';
  /** The charge for a refund, the dispute's id for a dispute. */
  ref: string;
  paymentIntent: string | null;
  /** What the claim takes back in all, in the currency's minor units (a refund's is cumulative). */
  minor: number;
}

/** The share of `credit` that `minor` of `paid` minor units is, rounded down. */
export function shareOf(credit: number, minor: number, paid: number): number {
  if (paid <= 0) return 0;
  const part = BigInt(Math.max(0, Math.min(minor, paid)));
  return Number((BigInt(credit) * part) / BigInt(paid));
}

/** Answers false when the charge is not a credited order's (another product on the account, or not paid here). */
export async function takeBackClaim(env: Env, claim: Claim): Promise<boolean> {
  if (!claim.paymentIntent) return false;
  const db = dbOf(env.DB);
  const order = await orderByPaymentIntent(db, claim.paymentIntent);
  if (!order || order.status !== 'paid') return false;
  const paid = minorUnits(dec(order.payAmount), order.currency);
  const what = `${claim.kind} ${claim.ref} (${claim.minor} of ${paid} minor units)`;
  const result = await accountOf(env, order.userId).takeBack({
    orderNo: order.orderNo,
    source: `${claim.kind}:${claim.ref}`,
    units: shareOf(order.credit, claim.minor, paid),
    cap: order.credit,
    note: `order ${order.orderNo}: ${what}`,
  });
  if (!result.ok) throw new Error(`taking back order ${order.orderNo} failed: ${result.error}`);
  if (result.replayed) return true;
  const details = {
    user_id: order.userId,
    order_no: order.orderNo,
    kind: claim.kind,
    ref: claim.ref,
    minor: claim.minor,
    taken: result.taken,
    shortfall: result.shortfall,
  };
  const events = [
    recordEvent(
      db,
      'order_refund',
      `order:${order.orderNo}`,
      `order ${order.orderNo}: ${what}; ${result.taken} units taken back`,
      details,
    ),
  ];
  if (result.shortfall > 0) {
    events.push(
      recordEvent(
        db,
        'refund_shortfall',
        `user:${order.userId}`,
        `order ${order.orderNo}: ${claim.kind} owed ${result.shortfall} units more than user ${order.userId}'s balance held`,
        details,
      ),
    );
  }
  await runBatch(db, events);
  return true;
}
