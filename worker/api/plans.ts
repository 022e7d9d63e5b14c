/**
 * Plans: prepaid packages with usage windows. The operator defines them; a customer buys one from
 * the balance or through Stripe or Epay (an order that starts it when paid); the account object
 * holds each subscription's windows and charges covered calls against them.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { accountOf } from '../account/client';
import type { SubscriptionView } from '../account/plans';
import { dbOf } from '../db/client';
import { insertPlan, planById, plansOnSale, updatePlan, type PlanRow } from '../db/plans';
import { ApiError } from '../lib/errors';
import { audit, fieldsOf } from '../security/audit';
import { WINDOW_NAMES } from '../billing/windows';
import { money, parseAmount } from '../payments/money';
import { availableMethods, createOrder, unavailable } from '../payments/orders';
import { buyFromBalance, planUnits } from '../plans/purchase';
import { loadOptions } from '../site/options';
import { orderView, OrderView, publicBase } from './topup';
import { errors, IdParam, json, jsonBody, router } from './openapi';
import { Iso, ModelName, Name, Units, isoOf, isoOrNull, listOf } from './fields';
import { currentUser, requireAdmin, requireSession } from './session';

const Limit = z.object({ window: z.enum(WINDOW_NAMES as ['5h', '1d', '7d', '30d']), units: Units.min(1) }).strict();
const PlanFields = {
  name: Name,
  price: z.union([z.number(), z.string()]).transform((v, ctx) => {
    const d = parseAmount(v);
    if (!d) ctx.addIssue({ code: 'custom', message: 'a positive amount with at most two decimal places' });
    return d ? money(d) : '';
  }),
  period_days: z.number().int().min(1).max(3650),
  models: z.array(ModelName).min(1).max(500).nullable(),
  limits: z
    .array(Limit)
    .min(1)
    .max(4)
    .refine((l) => new Set(l.map((x) => x.window)).size === l.length, 'one limit per window'),
};

const PlanView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    price: z.string(),
    currency: z.string(),
    units: z.number().int(),
    period_days: z.number().int(),
    models: z.array(z.string()).nullable(),
    limits: z.array(z.object({ window: z.string(), units: z.number().int() })),
    on_sale: z.boolean(),
  })
  .openapi('Plan');
const WindowView = z.object({
  window: z.string(),
  used: z.number().int(),
  limit: z.number().int(),
  resets_at: Iso.nullable(),
});
const SubscriptionOut = z
  .object({
    id: z.string(),
    plan: z.object({ id: z.number().int(), name: z.string(), models: z.array(z.string()).nullable() }),
    started_at: Iso,
    ends_at: Iso,
    active: z.boolean(),
    windows: z.array(WindowView),
  })
  .openapi('Subscription');

async function planView(env: Parameters<typeof planUnits>[0], p: PlanRow): Promise<z.infer<typeof PlanView>> {
  const { units, currency } = await planUnits(env, p);
  return {
    id: p.id,
    name: p.name,
    price: p.price,
    currency,
    units,
    period_days: p.periodDays,
    models: p.models ?? null,
    limits: p.limits,
    on_sale: p.onSale,
  };
}

const subscriptionOut = (s: SubscriptionView): z.infer<typeof SubscriptionOut> => ({
  ...s,
  started_at: isoOf(s.started_at),
  ends_at: isoOf(s.ends_at),
  windows: s.windows.map((w) => ({ ...w, resets_at: isoOrNull(w.resets_at) })),
});

async function planOr404(db: ReturnType<typeof dbOf>, id: number, onSale = false): Promise<PlanRow> {
  const p = await planById(db, id);
  if (!p || (onSale && !p.onSale)) throw new ApiError(404, 'not_found', 'plan not found');
  return p;
}

export const planRoutes = router();
// The list is public ('/api/plans/*' would match '/api/plans' too): only changes and purchases need a session.
planRoutes.on(['POST', 'PATCH', 'DELETE'], ['/api/plans', '/api/plans/*'], requireSession);
planRoutes.use('/api/subscriptions', requireSession);

planRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans',
      tags: ['plans'],
      summary: 'Plans on sale (public)',
      responses: { 200: json(listOf(PlanView)) },
    }),
    async (c) =>
      c.json({ items: await Promise.all((await plansOnSale(dbOf(c.env.DB))).map((p) => planView(c.env, p))) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans',
      tags: ['plans'],
      summary: 'Define a plan (admin)',
      request: jsonBody(z.object(PlanFields).strict()),
      responses: { 201: json(PlanView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const b = c.req.valid('json');
      const now = Date.now();
      const p = await insertPlan(dbOf(c.env.DB), {
        name: b.name,
        price: b.price,
        periodDays: b.period_days,
        models: b.models,
        limits: b.limits,
        onSale: true,
        createdAt: now,
        updatedAt: now,
      });
      await audit(c, {
        action: 'plan.create',
        target: `plan:${p.id}`,
        summary: `"${p.name}" at ${p.price} for ${p.periodDays} days`,
      });
      return c.json(await planView(c.env, p), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/plans/{id}',
      tags: ['plans'],
      summary: 'Change a plan (admin); running subscriptions keep the terms they were bought with',
      request: {
        params: IdParam,
        ...jsonBody(z.object(PlanFields).partial().extend({ on_sale: z.boolean() }).partial().strict()),
      },
      responses: { 200: json(PlanView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const db = dbOf(c.env.DB);
      await planOr404(db, id);
      const p = await updatePlan(db, id, {
        name: b.name,
        price: b.price,
        periodDays: b.period_days,
        models: b.models,
        limits: b.limits,
        onSale: b.on_sale,
        updatedAt: Date.now(),
      });
      if (!p) throw new ApiError(404, 'not_found', 'plan not found');
      await audit(c, { action: 'plan.update', target: `plan:${id}`, summary: `changed ${fieldsOf(b)}` });
      return c.json(await planView(c.env, p), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/api/plans/{id}',
      tags: ['plans'],
      summary: 'Stop selling a plan (admin); its subscriptions run to their end',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const db = dbOf(c.env.DB);
      await planOr404(db, id);
      await updatePlan(db, id, { onSale: false, updatedAt: Date.now() });
      await audit(c, { action: 'plan.delete', target: `plan:${id}`, summary: 'taken off sale' });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{id}/subscribe',
      tags: ['plans'],
      summary:
        'Buy a plan: from the balance at once (402 when it cannot cover it), or an order that starts it when paid',
      request: {
        params: IdParam,
        ...jsonBody(
          z
            .object({
              method: z.enum(['balance', 'stripe', 'epay']),
              pay_type: z
                .string()
                .regex(/^[a-z0-9_]{1,20}$/)
                .optional(),
            })
            .strict(),
        ),
      },
      responses: {
        201: json(z.union([SubscriptionOut, OrderView])),
        402: json(z.object({}), 'The balance cannot cover it'),
        ...errors,
      },
    }),
    async (c) => {
      const me = currentUser(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const p = await planOr404(dbOf(c.env.DB), id, true);
      if (body.method === 'balance') {
        const r = await buyFromBalance(c.env, me.id, p);
        if (!r.ok) throw new ApiError(402, 'insufficient_quota', r.message);
        return c.json(subscriptionOut(r.subscription), 201);
      }
      if (!availableMethods(c.env).includes(body.method)) throw unavailable(body.method);
      const { topup } = await loadOptions(c.env);
      const q = { amount: p.price, payAmount: p.price, discount: 0, credit: 0, currency: topup.currency };
      const base = publicBase(c);
      const order = await createOrder(
        c.env,
        me.id,
        body.method,
        body.method === 'epay' ? (body.pay_type ?? 'alipay') : null,
        q,
        {
          returnUrl: (orderNo) => `${base}/topup/return?order_no=${encodeURIComponent(orderNo)}`,
          notifyUrl: `${base}/api/payments/epay/notify`,
        },
        topup.order_expiry_minutes,
        { kind: 'plan', planId: p.id, name: p.name },
      );
      return c.json(orderView(order), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/subscriptions',
      tags: ['plans'],
      summary: "Your subscriptions not yet ended, with each window's use, limit and reset time",
      responses: { 200: json(listOf(SubscriptionOut)), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const subs = await accountOf(c.env, me.id).subscriptions();
      return c.json({ items: subs.map(subscriptionOut) }, 200);
    },
  );
