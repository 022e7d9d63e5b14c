/**
 * Orders from creation to credit. Crediting goes through the user's account object, idempotent
 * by order number, so duplicate or concurrent notices and a manual completion racing a notice
 * leave exactly one credit; the order row then records whoever made it.
 */
import type { Env } from '../env';
import { settingsOf } from '../env';
import { accountOf } from '../account/client';
import { dbOf, runBatch } from '../db/client';
import { recordEvent } from '../db/events';
import { insertOrder, markPaid, orderByNo, setPayUrl, type OrderRow } from '../db/orders';
import { userById } from '../db/users';
import { ApiError } from '../lib/errors';
import type { TopupOptions } from '../site/options';
import { creditFor, discountFor, minorUnits, money, parseAmount, payAmountFor } from './money';
import { stripeTakes } from './currencies';
import { dec } from '../billing/decimal';
import { newOrderNo } from './order-no';
import { createCheckout, stripeSetup } from './stripe';
import { epaySetup, submitUrl } from './epay';
import { maybePromote } from './promotion';
import { orderRebate } from '../referrals/rebate';
import { loadOptions } from '../site/options';
import { startPaidPlan } from '../plans/purchase';

export type PayMethod = 'stripe' | 'epay';

/** The payment methods whose secrets are set. */
export function availableMethods(env: Env): PayMethod[] {
  const s = settingsOf(env);
  const out: PayMethod[] = [];
  if (stripeSetup(s)) out.push('stripe');
  if (epaySetup(s)) out.push('epay');
  return out;
}

export interface Quote {
  amount: string;
  payAmount: string;
  discount: number;
  credit: number;
  currency: string;
}

/** What an amount costs and buys: the largest discount that applies, exact to the cent. */
export function quote(amountInput: number | string, topup: TopupOptions, enterprise: boolean): Quote {
  const amount = parseAmount(amountInput);
  if (!amount) throw new ApiError(400, 'invalid_request', 'amount: a positive amount with at most two decimal places');
  if (Number(money(amount)) < topup.min_amount)
    throw new ApiError(400, 'invalid_request', `amount: the least top-up is ${topup.min_amount} ${topup.currency}`);
  const discount = discountFor(amount, topup.tiers, enterprise ? topup.enterprise.discount : null);
  return {
    amount: money(amount),
    payAmount: money(payAmountFor(amount, discount)),
    discount,
    credit: creditFor(amount, topup.price_per_usd),
    currency: topup.currency,
  };
}

export interface Urls {
  /** Where the customer comes back to. */
  returnUrl: (orderNo: string) => string;
  notifyUrl: string;
}

/** What an order buys other than balance: a plan, started when the order is paid (worker/plans). */
export interface OrderItem {
  kind: 'plan';
  planId: number;
  name: string;
}

/** A pending order with its way to pay: a Stripe Checkout Session, or a signed Epay redirect. It expires `expiryMinutes` after now. */
export async function createOrder(
  env: Env,
  userId: number,
  method: PayMethod,
  payType: string | null,
  q: Quote,
  urls: Urls,
  expiryMinutes: number,
  item?: OrderItem,
): Promise<OrderRow> {
  const db = dbOf(env.DB);
  const now = Date.now();
  if (method === 'stripe') assertStripeCurrency(q.currency);
  const order = await insertOrder(db, {
    orderNo: newOrderNo(),
    userId,
    amount: q.amount,
    payAmount: q.payAmount,
    currency: q.currency,
    discount: String(q.discount),
    credit: q.credit,
    method,
    payType,
    status: 'pending',
    createdAt: now,
    updatedAt: now,
    kind: item?.kind ?? 'topup',
    planId: item?.planId ?? null,
  });
  const s = settingsOf(env);
  const name = item ? `Plan ${item.name} ${order.orderNo}` : `Balance top-up ${order.orderNo}`;
  if (method === 'stripe') {
    const setup = stripeSetup(s);
    if (!setup) throw unavailable(method);
    const session = await createCheckout(setup, {
      orderNo: order.orderNo,
      unitAmount: minorUnits(dec(q.payAmount), q.currency),
      currency: q.currency,
      productName: name,
      successUrl: urls.returnUrl(order.orderNo),
      cancelUrl: urls.returnUrl(order.orderNo),
      expiresAt: now + expiryMinutes * 60_000,
    });
    return setPayUrl(db, order.orderNo, session.url, session.id, Date.now());
  }
  const setup = epaySetup(s);
  if (!setup) throw unavailable(method);
  const url = await submitUrl(setup, {
    orderNo: order.orderNo,
    type: payType ?? 'alipay',
    name,
    money: q.payAmount,
    notifyUrl: urls.notifyUrl,
    returnUrl: urls.returnUrl(order.orderNo),
  });
  return setPayUrl(db, order.orderNo, url, null, Date.now());
}

/** 400 for a currency Stripe does not take (see ./stripe-currencies.json). */
export function assertStripeCurrency(currency: string): void {
  if (!stripeTakes(currency))
    throw new ApiError(
      400,
      'invalid_request',
      `currency: Stripe does not take ${currency}; pick one it supports, or turn Stripe off`,
    );
}

export const unavailable = (method: string) =>
  new ApiError(400, 'payment_method_unavailable', `method: ${method} is not set up on this site`);

export type Completer =
  | { kind: 'provider'; ref: string | null }
  | { kind: 'manual'; adminId: number; note: string; ref: string | null };

/**
 * Credits an order once and marks it paid. Answers `credited: false` when it had been credited
 * before (by a notice or an operator); the row then says who did it. An expired order paid late
 * is credited all the same.
 */
export async function completeOrder(
  env: Env,
  order: OrderRow,
  by: Completer,
): Promise<{ order: OrderRow; credited: boolean }> {
  const db = dbOf(env.DB);
  const credit =
    order.kind === 'plan'
      ? await startPaidPlan(env, order, by)
      : await accountOf(env, order.userId).credit({
          delta: order.credit,
          reason: 'topup',
          note: by.kind === 'manual' ? `manual: ${by.note}` : `order ${order.orderNo}`,
          orderNo: order.orderNo,
          idempotencyKey: `order:${order.orderNo}`,
          by: JSON.stringify(by),
          rebate: await orderRebate(env, order, (await loadOptions(env)).referral),
        });
  if (!credit.ok) throw new Error(`crediting order ${order.orderNo} failed: ${credit.error}`);
  // The row records whoever credited first, whichever call gets here first.
  const first = completerOf(credit.by) ?? by;
  const paid = await markPaid(
    db,
    order.orderNo,
    {
      completedBy: first.kind,
      completedByUser: first.kind === 'manual' ? first.adminId : null,
      providerRef: first.ref,
      note: first.kind === 'manual' ? first.note : null,
    },
    Date.now(),
  );
  if (!credit.replayed) {
    const who = first.kind === 'manual' ? `by admin ${first.adminId}` : 'by the gateway';
    await runBatch(db, [
      recordEvent(
        db,
        'order_paid',
        `order:${order.orderNo}`,
        `order ${order.orderNo} paid ${who}: ${order.payAmount} ${order.currency}, ${order.credit} units`,
        { user_id: order.userId },
      ),
    ]);
    await maybePromote(env, order.userId);
  }
  return { order: paid ?? order, credited: !credit.replayed };
}

/** The completer a credit was made by (kept with its idempotency key), if it reads as one. */
function completerOf(text: string | null): Completer | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    const ref = typeof o.ref === 'string' ? o.ref : null;
    if (o.kind === 'provider') return { kind: 'provider', ref };
    if (o.kind === 'manual' && typeof o.adminId === 'number' && typeof o.note === 'string')
      return { kind: 'manual', adminId: o.adminId, note: o.note, ref };
    return null;
  } catch {
    return null;
  }
}

/** The order, or 404. */
export async function findOrder(env: Env, orderNo: string): Promise<OrderRow> {
  const order = await orderByNo(dbOf(env.DB), orderNo);
  if (!order) throw new ApiError(404, 'not_found', 'order not found');
  return order;
}

/** Whether the user is an enterprise customer (their top-ups take the enterprise discount). */
export async function isEnterprise(env: Env, userId: number, topup: TopupOptions): Promise<boolean> {
  const user = await userById(dbOf(env.DB), userId);
  return user?.group === topup.enterprise.group;
}
