/**
 * The gateways' callbacks. Public (the gateways hold no session), so each is believed only when
 * its signature checks out; a notice whose signature, merchant, session or amount does not match
 * credits nothing and is counted, with an event for the operator at most once a minute per gateway.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { settingsOf } from '../env';
import { dbOf } from '../db/client';
import { orderByNo, setPaymentIntent } from '../db/orders';
import { dec } from '../billing/decimal';
import { completeOrder } from '../payments/orders';
import { isPayAmount, minorUnits } from '../payments/money';
import { stripeSetup, verifiedEvent, type PaidSession, type StripeNotice } from '../payments/stripe';
import { takeBackClaim } from '../payments/refunds';
import { tallyOf } from '../payments/notice-tally';
import { adminOnly, requireSession } from './session';
import { checkNotice, epaySetup } from '../payments/epay';
import { ErrorSchema, errors, json, router } from './openapi';
import { ApiError } from '../lib/errors';

/** A refused notice: counted, and an event at most once a minute per gateway (../payments/notice-tally). */
async function refused(
  c: Context<AppEnv>,
  gateway: 'stripe' | 'epay',
  reason: string,
  details: Record<string, unknown>,
): Promise<void> {
  const ip = c.req.header('cf-connecting-ip') ?? null;
  // The answer to the sender stays what it is whether or not the count could be kept.
  await tallyOf(c.env, gateway)
    .refused(gateway, reason, { ...details, ip })
    .catch((err: unknown) => console.error('notice tally failed', err));
}

export const paymentRoutes = router();
paymentRoutes.on(['GET'], '/api/payments/refused', requireSession, adminOnly);

paymentRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/api/payments/stripe/webhook',
    tags: ['payments'],
    summary:
      "Stripe's signed events: `checkout.session.completed` for the order's own session (paid, its amount) credits it once; `charge.refunded` and `charge.dispute.created` take the credit back",
    responses: { 200: json(z.object({ received: z.boolean() })), 400: json(ErrorSchema, 'A bad or stale signature') },
  }),
  async (c) => {
    const setup = stripeSetup(settingsOf(c.env));
    if (!setup) throw new ApiError(400, 'payment_method_unavailable', 'Stripe is not set up on this site');
    const payload = await c.req.text();
    let notice: StripeNotice;
    try {
      notice = await verifiedEvent(setup, payload, c.req.header('stripe-signature') ?? '');
    } catch (err) {
      await refused(c, 'stripe', 'bad signature', {
        error: String(err instanceof Error ? err.message : err).slice(0, 200),
      });
      throw new ApiError(400, 'invalid_request', 'Stripe-Signature: bad or stale signature');
    }
    if (notice.kind === 'checkout') await onCheckout(c, notice.session);
    if (notice.kind === 'refund') {
      const r = notice.refund;
      await takeBackClaim(c.env, { kind: 'refund', ref: r.charge, paymentIntent: r.paymentIntent, minor: r.refunded });
    }
    if (notice.kind === 'dispute') {
      const d = notice.dispute;
      await takeBackClaim(c.env, { kind: 'dispute', ref: d.id, paymentIntent: d.paymentIntent, minor: d.amount });
    }
    return c.json({ received: true }, 200);
  },
);

/** Credits the order whose very session was paid, for its amount; anything else is refused. */
async function onCheckout(c: Context<AppEnv>, session: PaidSession): Promise<void> {
  const db = dbOf(c.env.DB);
  const order = session.orderNo ? await orderByNo(db, session.orderNo) : null;
  if (!order || order.method !== 'stripe')
    return refused(c, 'stripe', 'no such Stripe order', { order_no: session.orderNo, session: session.id });
  if (order.stripeSessionId !== session.id)
    return refused(c, 'stripe', "not the order's session", { order_no: order.orderNo, session: session.id });
  const expected = minorUnits(dec(order.payAmount), order.currency);
  if (
    !session.paid ||
    session.amountTotal !== expected ||
    session.currency?.toUpperCase() !== order.currency.toUpperCase()
  ) {
    const why = session.paid
      ? `paid ${session.amountTotal} ${session.currency}, expected ${expected} ${order.currency}`
      : 'not paid';
    return refused(c, 'stripe', session.paid ? 'amount differs' : 'not paid', {
      order_no: order.orderNo,
      session: session.id,
      detail: why,
    });
  }
  if (session.paymentIntent) await setPaymentIntent(db, order.orderNo, session.paymentIntent, Date.now());
  await completeOrder(c.env, order, { kind: 'provider', ref: session.paymentIntent ?? session.id });
}

const TallyView = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  last_event_at: z.string().nullable(),
});

paymentRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/payments/refused',
    tags: ['payments'],
    summary:
      'Refused payment notices per gateway (admin): how many ever, how many not yet in an event (one event a minute at most)',
    responses: { 200: json(z.object({ stripe: TallyView, epay: TallyView })), ...errors },
  }),
  async (c) => {
    const [stripe, epay] = await Promise.all([tallyOf(c.env, 'stripe').counts(), tallyOf(c.env, 'epay').counts()]);
    return c.json({ stripe, epay }, 200);
  },
);

/** The notice's parameters, from the query string (GET) and the form body (POST). */
async function noticeParams(c: Context<AppEnv>): Promise<Record<string, string>> {
  const out: Record<string, string> = { ...c.req.query() };
  if (c.req.method === 'POST') {
    const form = await c.req.parseBody().catch(() => ({}));
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Answers `success` only once the notice is handled (a repeat too); anything else makes the gateway retry. */
async function epayNotify(c: Context<AppEnv>): Promise<Response> {
  const setup = epaySetup(settingsOf(c.env));
  if (!setup) return c.text('fail: epay is not set up', 400);
  const params = await noticeParams(c);
  const check = await checkNotice(setup, params);
  if (!check.ok) {
    await refused(c, 'epay', check.reason, {
      order_no: check.notice.orderNo ?? null,
      trade_no: check.notice.tradeNo ?? null,
    });
    return c.text('fail', 400);
  }
  const { notice } = check;
  const order = await orderByNo(dbOf(c.env.DB), notice.orderNo);
  if (!order || order.method !== 'epay') {
    await refused(c, 'epay', 'no such Epay order', { order_no: notice.orderNo, trade_no: notice.tradeNo });
    return c.text('fail', 400);
  }
  if (notice.status !== 'TRADE_SUCCESS') return c.text('success', 200); // not a payment: nothing to do, and nothing to retry
  if (!isPayAmount(notice.money, order.payAmount)) {
    await refused(c, 'epay', 'amount differs', {
      order_no: order.orderNo,
      trade_no: notice.tradeNo,
      detail: `paid ${notice.money}, expected ${order.payAmount}`,
    });
    return c.text('fail', 400);
  }
  await completeOrder(c.env, order, { kind: 'provider', ref: notice.tradeNo || null });
  return c.text('success', 200);
}

paymentRoutes.get('/api/payments/epay/notify', epayNotify);
paymentRoutes.post('/api/payments/epay/notify', epayNotify);
