/**
 * Taking a paid order's credit back when its payment is refunded or disputed. Each claim (the
 * charge's refunds, cumulative; each dispute) is remembered per order with the most it has ever
 * asked, so a repeated or out-of-order webhook takes nothing twice; together they never take more
 * than the order credited, and never more than the balance holds (the rest is a shortfall).
 */

export interface TakeBackInput {
  orderNo: string;
  /** Names the claim: `refund:<charge>` (its amount is cumulative) or `dispute:<id>`. */
  source: string;
  /** What the claim asks back in all, in units. */
  units: number;
  /** The order's credit: all claims together take back at most this. */
  cap: number;
  note: string;
}

/** Per order: the units each claim has asked, and how many of them were accounted for (taken or short). */
export interface TakeBackMark {
  claims: Record<string, number>;
  accounted: number;
}

export type TakeBackResult =
  | { ok: true; replayed: boolean; taken: number; shortfall: number; quota: number }
  | { ok: false; error: string };

export const takeBackKey = (orderNo: string) => `back:${orderNo}`;

/** What a claim adds, given what the order's claims asked before and the balance now. */
export function planTakeBack(
  mark: TakeBackMark | undefined,
  input: TakeBackInput,
  balance: number,
): { mark: TakeBackMark; taken: number; shortfall: number } {
  const before = mark ?? { claims: {}, accounted: 0 };
  const claims = { ...before.claims, [input.source]: Math.max(before.claims[input.source] ?? 0, input.units) };
  const asked = Math.min(
    input.cap,
    Object.values(claims).reduce((a, b) => a + b, 0),
  );
  const due = Math.max(0, asked - before.accounted);
  const taken = Math.min(due, Math.max(0, balance));
  return { mark: { claims, accounted: before.accounted + due }, taken, shortfall: due - taken };
}
