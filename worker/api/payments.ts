/**
 * The gateways' callbacks. Public (the gateways hold no session), so each is believed only when
 * its signature checks out; a notice whose signature, merchant or amount does not match credits
 * nothing and is recorded as an event for the operator.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { settingsOf } from '../env';
import { dbOf, runBatch } from '../db/client';
import { recordEvent } from '../db/events';
import { orderByNo } from '../db/orders';
import { dec } from '../billing/decimal';
import { completeOrder } from '../payments/orders';
import { isPayAmount, minorUnits } from '../payments/money';
import { stripeSetup, verifiedCheckoutEvent } from '../payments/stripe';
import { checkNotice, epaySetup } from '../payments/epay';
import { ErrorSchema, json, router } from './openapi';
import { ApiError } from '../lib/errors';

async function refused(c: Context<AppEnv>, gateway: string, reason: string, details: Record<string, unknown>): Promise<void> {
  const db = dbOf(c.env.DB);
  await runBatch(db, [recordEvent(db, 'payment_notice_refused', `payment:${gateway}`, `${gateway} notice refused: ${reason}`, details)]);
}

export const paymentRoutes = router();

paymentRoutes.openapi(
  createRoute({
    method: 'post', path: '/api/payments/stripe/webhook', tags: ['payments'],
    summary: 'Stripe\'s signed events; `checkout.session.completed` (paid, the order\'s amount) credits the order once',
    responses: { 200: json(z.object({ received: z.boolean() })), 400: json(ErrorSchema, 'A bad or stale signature') },
  }),
  async (c) => {
    const setup = stripeSetup(settingsOf(c.env));
    if (!setup) throw new ApiError(400, 'payment_method_unavailable', 'Stripe is not set up on this site');
    const payload = await c.req.text();
    let session;
    try {
      session = await verifiedCheckoutEvent(setup, payload, c.req.header('stripe-signature') ?? '');
    } catch (err) {
      await refused(c, 'stripe', 'bad signature', { error: String(err instanceof Error ? err.message : err).slice(0, 200) });
      throw new ApiError(400, 'invalid_request', 'Stripe-Signature: bad or stale signature');
    }
    if (!session) return c.json({ received: true }, 200);
    const order = session.orderNo ? await orderByNo(dbOf(c.env.DB), session.orderNo) : null;
    if (!order || order.method !== 'stripe') {
      await refused(c, 'stripe', `no Stripe order ${session.orderNo ?? '(none)'}`, { session: session.id });
      return c.json({ received: true }, 200);
    }
    const expected = minorUnits(dec(order.payAmount), order.currency);
    if (!session.paid || session.amountTotal !== expected || session.currency?.toUpperCase() !== order.currency.toUpperCase()) {
      await refused(c, 'stripe', `order ${order.orderNo}: ${session.paid ? `paid ${session.amountTotal} ${session.currency}, expected ${expected} ${order.currency}` : 'not paid'}`, { session: session.id });
      return c.json({ received: true }, 200);
    }
    await completeOrder(c.env, order, { kind: 'provider', ref: session.paymentIntent ?? session.id });
    return c.json({ received: true }, 200);
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
    await refused(c, 'epay', check.reason, { out_trade_no: check.notice.orderNo ?? null, trade_no: check.notice.tradeNo ?? null });
    return c.text('fail', 400);
  }
  const { notice } = check;
  const order = await orderByNo(dbOf(c.env.DB), notice.orderNo);
  if (!order || order.method !== 'epay') {
    await refused(c, 'epay', `no Epay order ${notice.orderNo}`, { trade_no: notice.tradeNo });
    return c.text('fail', 400);
  }
  if (notice.status !== 'TRADE_SUCCESS') return c.text('success', 200); // not a payment: nothing to do, and nothing to retry
  if (!isPayAmount(notice.money, order.payAmount)) {
    await refused(c, 'epay', `order ${order.orderNo}: paid ${notice.money}, expected ${order.payAmount}`, { trade_no: notice.tradeNo });
    return c.text('fail', 400);
  }
  await completeOrder(c.env, order, { kind: 'provider', ref: notice.tradeNo || null });
  return c.text('success', 200);
}

paymentRoutes.get('/api/payments/epay/notify', epayNotify);
paymentRoutes.post('/api/payments/epay/notify', epayNotify);
