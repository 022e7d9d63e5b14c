/**
 * Buying a plan: from the balance at once (one `plan` ledger row, in the account object's step
 * that starts the subscription), or through an order that starts it when paid (once per order,
 * whatever the number and order of notices and manual completions, like a top-up's credit).
 */
import type { Env } from '../env';
import { accountOf } from '../account/client';
import type { PlanTerms, SubscriptionView } from '../account/plans';
import type { CreditResult } from '../account/types';
import { dbOf } from '../db/client';
import type { OrderRow } from '../db/orders';
import { planById, recordSubscription, type PlanRow } from '../db/plans';
import { dec } from '../billing/decimal';
import { creditFor } from '../payments/money';
import { loadOptions } from '../site/options';
import type { Completer } from '../payments/orders';

export const termsOf = (p: PlanRow): PlanTerms => ({
  planId: p.id,
  name: p.name,
  periodDays: p.periodDays,
  models: p.models ?? null,
  limits: p.limits,
});

/** What the plan costs in units at the top-up price: floor(price / price_per_usd * 500000). */
export async function planUnits(env: Env, p: PlanRow): Promise<{ units: number; currency: string }> {
  const { topup } = await loadOptions(env);
  return { units: creditFor(dec(p.price), topup.price_per_usd), currency: topup.currency };
}

async function mirror(
  env: Env,
  userId: number,
  p: PlanRow,
  s: SubscriptionView,
  m: { units: number; currency: string; method: 'balance' | 'stripe' | 'epay'; orderNo: string | null },
) {
  await recordSubscription(dbOf(env.DB), {
    id: s.id,
    userId,
    planId: p.id,
    price: p.price,
    currency: m.currency,
    units: m.units,
    method: m.method,
    orderNo: m.orderNo,
    startedAt: s.started_at,
    endsAt: s.ends_at,
    createdAt: Date.now(),
  });
}

export type BalanceBuy = { ok: true; subscription: SubscriptionView } | { ok: false; message: string };

export async function buyFromBalance(env: Env, userId: number, p: PlanRow): Promise<BalanceBuy> {
  const { units, currency } = await planUnits(env, p);
  const id = `b-${crypto.randomUUID()}`;
  const r = await accountOf(env, userId).buyPlan({
    id,
    terms: termsOf(p),
    units,
    note: `plan ${p.name} (#${p.id})`,
    orderNo: null,
  });
  if (!r.ok) return { ok: false, message: r.message };
  await mirror(env, userId, p, r.subscription, { units, currency, method: 'balance', orderNo: null });
  return { ok: true, subscription: r.subscription };
}

/** A paid plan order: the subscription starts once (keyed by the order); answers like a credit, for completeOrder. */
export async function startPaidPlan(env: Env, order: OrderRow, by: Completer): Promise<CreditResult> {
  const p = order.planId === null ? null : await planById(dbOf(env.DB), order.planId);
  if (!p) return { ok: false, error: `order ${order.orderNo} names no plan` };
  const r = await accountOf(env, order.userId).buyPlan({
    id: `o-${order.orderNo}`,
    terms: termsOf(p),
    units: 0,
    note: `plan ${p.name} (#${p.id}) paid by order`,
    orderNo: order.orderNo,
    by: JSON.stringify(by),
  });
  if (!r.ok) return { ok: false, error: r.message };
  await mirror(env, order.userId, p, r.subscription, {
    units: 0,
    currency: order.currency,
    method: order.method,
    orderNo: order.orderNo,
  });
  return { ok: true, replayed: r.replayed, quota: r.quota, usedQuota: 0, by: r.by };
}
