import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { settingsOf } from '../env';
import { ApiError } from '../lib/errors';
import { dbOf } from '../db/client';
import { ordersPage, setPaymentIntent, type OrderRow } from '../db/orders';
import {
  availableMethods,
  completeOrder,
  createOrder,
  findOrder,
  isEnterprise,
  quote,
  unavailable,
  type PayMethod,
} from '../payments/orders';
import { normalizeOrderNo } from '../payments/order-no';
import { isPayAmount, minorUnits } from '../payments/money';
import { dec } from '../billing/decimal';
import { retrieveSession, stripeSetup } from '../payments/stripe';
import { epaySetup, queryOrder } from '../payments/epay';
import { loadOptions } from '../site/options';
import { errors, json, jsonBody, router } from './openapi';
import { Cursor, Iso, Limit, isoOf, isoOrNull, pageOf } from './fields';
import { adminOnly, currentUser, requireAdmin, requireSession } from './session';
import { audit } from '../security/audit';

export const OrderView = z
  .object({
    order_no: z.string().openapi({ example: 'TP-7K2Q-9XMC-4RZB' }),
    user_id: z.number().int(),
    amount: z.string().openapi({ description: 'The balance bought, in `currency`', example: '500.00' }),
    pay_amount: z.string().openapi({ description: 'What the customer pays, after the discount', example: '485.00' }),
    currency: z.string(),
    discount: z.number(),
    credit: z.number().int().openapi({ description: 'Units credited when paid' }),
    method: z.enum(['stripe', 'epay']),
    pay_type: z.string().nullable(),
    status: z.enum(['pending', 'paid', 'expired', 'failed']),
    pay_url: z.string().nullable(),
    created_at: Iso,
    paid_at: Iso.nullable(),
    completed_by: z.enum(['provider', 'manual']).nullable(),
    completed_by_user: z.number().int().nullable(),
    provider_ref: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi('Order');
export type OrderView = z.infer<typeof OrderView>;

export const orderView = (o: OrderRow): OrderView => ({
  order_no: o.orderNo,
  user_id: o.userId,
  amount: o.amount,
  pay_amount: o.payAmount,
  currency: o.currency,
  discount: Number(o.discount),
  credit: o.credit,
  method: o.method,
  pay_type: o.payType,
  status: o.status,
  pay_url: o.payUrl,
  created_at: isoOf(o.createdAt),
  paid_at: isoOrNull(o.paidAt),
  completed_by: o.completedBy,
  completed_by_user: o.completedByUser,
  provider_ref: o.providerRef,
  note: o.note,
});

export const QuoteView = z
  .object({
    amount: z.string(),
    pay_amount: z.string(),
    discount: z.number(),
    credit: z.number().int(),
    currency: z.string(),
    methods: z.array(z.enum(['stripe', 'epay'])),
  })
  .openapi('TopupQuote');

const Amount = z
  .union([z.number(), z.string()])
  .openapi({ description: 'In the top-up currency, at most two decimal places', example: 500 });
const OrderNoParam = z.object({
  order_no: z
    .string()
    .min(1)
    .max(40)
    .openapi({ param: { name: 'order_no', in: 'path' } }),
});

/** Where gateways send the customer back, and their notices: PUBLIC_BASE_URL, or this request's origin. */
export function publicBase(c: Context<AppEnv>): string {
  return settingsOf(c.env).PUBLIC_BASE_URL ?? new URL(c.req.url).origin;
}

/** A customer's own order; an admin's any. Another's answers 404. */
async function ownOrder(c: Context<AppEnv>, orderNo: string): Promise<OrderRow> {
  const order = await findOrder(c.env, normalizeOrderNo(orderNo));
  const me = currentUser(c);
  if (me.role !== 'admin' && order.userId !== me.id) throw new ApiError(404, 'not_found', 'order not found');
  return order;
}

export const topupRoutes = router();
topupRoutes.use('/api/topup', requireSession);
topupRoutes.use('/api/topup/*', requireSession);
topupRoutes.on(['POST'], '/api/topup/orders/:order_no/complete', adminOnly);
topupRoutes.on(['POST'], '/api/topup/orders/:order_no/check', adminOnly);

topupRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/topup/quote',
      tags: ['top-up'],
      summary: 'What an amount costs and credits, with the discount that applies, and the methods set up',
      request: { query: z.object({ amount: Amount }) },
      responses: { 200: json(QuoteView), ...errors },
    }),
    async (c) => {
      const { topup } = await loadOptions(c.env);
      const q = quote(c.req.valid('query').amount, topup, await isEnterprise(c.env, currentUser(c).id, topup));
      return c.json(
        {
          amount: q.amount,
          pay_amount: q.payAmount,
          discount: q.discount,
          credit: q.credit,
          currency: q.currency,
          methods: availableMethods(c.env),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/topup',
      tags: ['top-up'],
      summary: 'Start a top-up: a pending order and the URL to pay it at',
      request: jsonBody(
        z.object({
          amount: Amount,
          method: z.enum(['stripe', 'epay']),
          pay_type: z
            .string()
            .regex(/^[a-z0-9_]{1,20}$/)
            .optional(),
        }),
      ),
      responses: { 201: json(OrderView), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const me = currentUser(c);
      const method: PayMethod = body.method;
      if (!availableMethods(c.env).includes(method)) throw unavailable(method);
      const { topup } = await loadOptions(c.env);
      const q = quote(body.amount, topup, await isEnterprise(c.env, me.id, topup));
      const base = publicBase(c);
      const order = await createOrder(
        c.env,
        me.id,
        method,
        method === 'epay' ? (body.pay_type ?? 'alipay') : null,
        q,
        {
          returnUrl: (orderNo) => `${base}/topup/return?order_no=${encodeURIComponent(orderNo)}`,
          notifyUrl: `${base}/api/payments/epay/notify`,
        },
        topup.order_expiry_minutes,
      );
      return c.json(orderView(order), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/topup/orders',
      tags: ['top-up'],
      summary: "Orders, newest first: your own (an admin: everyone's, by user, number or status)",
      request: {
        query: z.object({
          order_no: z.string().max(40).optional(),
          status: z.enum(['pending', 'paid', 'expired', 'failed']).optional(),
          user_id: z.coerce.number().int().positive().optional(),
          limit: Limit(200, 50),
          cursor: Cursor,
        }),
      },
      responses: { 200: json(pageOf(OrderView)), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const me = currentUser(c);
      const { items, next } = await ordersPage(dbOf(c.env.DB), {
        userId: me.role === 'admin' ? (q.user_id ?? null) : me.id,
        orderNo: q.order_no ? normalizeOrderNo(q.order_no) : undefined,
        status: q.status,
        cursor: q.cursor,
        limit: q.limit,
      });
      return c.json({ items: items.map(orderView), next_cursor: next === null ? null : String(next) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/topup/orders/{order_no}',
      tags: ['top-up'],
      summary: 'One order (your own; an admin: any)',
      request: { params: OrderNoParam },
      responses: { 200: json(OrderView), ...errors },
    }),
    async (c) => c.json(orderView(await ownOrder(c, c.req.valid('param').order_no)), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/topup/orders/{order_no}/complete',
      tags: ['top-up'],
      summary:
        'Complete a late order by hand (admin): credited once, with who, when and why; 409 if it was paid already',
      request: {
        params: OrderNoParam,
        ...jsonBody(
          z.object({
            note: z.string().trim().min(1).max(500),
            provider_ref: z.string().trim().min(1).max(200).optional(),
          }),
        ),
      },
      responses: { 200: json(OrderView), ...errors, 409: errors[400] },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      const body = c.req.valid('json');
      const order = await ownOrder(c, c.req.valid('param').order_no);
      if (order.status === 'paid')
        throw new ApiError(409, 'conflict', `order ${order.orderNo} was paid already; nothing was credited again`);
      const done = await completeOrder(c.env, order, {
        kind: 'manual',
        adminId: admin.id,
        note: body.note,
        ref: body.provider_ref ?? null,
      });
      if (!done.credited)
        throw new ApiError(409, 'conflict', `order ${order.orderNo} was paid already; nothing was credited again`);
      await audit(c, {
        action: 'order.complete',
        target: `order:${order.orderNo}`,
        summary: `completed by hand for user ${order.userId}; note: ${body.note}${body.provider_ref ? `; ref ${body.provider_ref}` : ''}`,
      });
      return c.json(orderView(done.order), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/topup/orders/{order_no}/check',
      tags: ['top-up'],
      summary:
        "Ask the gateway about an order (admin): Stripe's session, or Epay's order query; a paid order is credited",
      request: { params: OrderNoParam },
      responses: {
        200: json(OrderView.extend({ gateway: z.object({ paid: z.boolean(), detail: z.string() }) })),
        ...errors,
      },
    }),
    async (c) => {
      requireAdmin(c);
      const order = await ownOrder(c, c.req.valid('param').order_no);
      const gateway = await askGateway(c, order);
      let current = order;
      if (gateway.paid && order.status !== 'paid')
        current = (await completeOrder(c.env, order, { kind: 'provider', ref: gateway.ref })).order;
      return c.json({ ...orderView(current), gateway: { paid: gateway.paid, detail: gateway.detail } }, 200);
    },
  );

/** Whether the gateway says the order was paid, for the full amount. */
async function askGateway(
  c: Context<AppEnv>,
  order: OrderRow,
): Promise<{ paid: boolean; ref: string | null; detail: string }> {
  const s = settingsOf(c.env);
  if (order.method === 'stripe') {
    const setup = stripeSetup(s);
    if (!setup) throw unavailable('stripe');
    if (!order.stripeSessionId)
      return { paid: false, ref: null, detail: 'no Checkout Session was made for this order' };
    const session = await retrieveSession(setup, order.stripeSessionId);
    const full =
      session.amountTotal !== null && session.amountTotal === minorUnits(dec(order.payAmount), order.currency);
    if (session.paid && full && session.paymentIntent)
      await setPaymentIntent(dbOf(c.env.DB), order.orderNo, session.paymentIntent, Date.now());
    return {
      paid: session.paid && full,
      ref: session.paymentIntent ?? session.id,
      detail: `session ${session.id}: ${session.paid ? 'paid' : 'not paid'}${session.paid && !full ? ', amount differs' : ''}`,
    };
  }
  const setup = epaySetup(s);
  if (!setup) throw unavailable('epay');
  const state = await queryOrder(setup, order.orderNo);
  const full = isPayAmount(state.money, order.payAmount);
  return {
    paid: state.paid && full,
    ref: state.tradeNo,
    detail: `${state.paid ? 'paid' : 'not paid'}${state.tradeNo ? ` (trade ${state.tradeNo})` : ''}${state.paid && !full ? ', amount differs' : ''}`,
  };
}
