import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-types';
import type { Context } from 'hono';
import { QUOTA_PER_USD } from '../billing/charge';
import { outputLimitOf } from '../billing/output-limits';
import { loadPricingFromDb, refreshPricing, type PricingSnapshot } from '../db/snapshots';
import { AnyObject, errors, json, jsonBody, router } from './openapi';
import { adminOnly, requireAdmin, requireSession } from './session';

const Ratio = z.number().nonnegative().max(1_000_000).nullable();
const ModelName = z.string().trim().min(1).max(256);
const GroupName = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'use 1-32 letters, digits, _ or -');

const ModelPriceInput = z
  .object({ model_ratio: Ratio, completion_ratio: Ratio, cache_ratio: Ratio, price_per_call: Ratio, max_output_tokens: z.number().int().positive().max(10_000_000).nullable() })
  .partial()
  .strict();

const GroupInput = z.union([
  z.number().nonnegative().max(1_000_000),
  z.object({ ratio: z.number().nonnegative().max(1_000_000), rpm_limit: z.number().int().positive().nullable().optional(), tpm_limit: z.number().int().positive().nullable().optional() }).strict(),
]);

const PutPricing = z
  .object({
    models: z.record(ModelName, ModelPriceInput.nullable()).optional(),
    groups: z.record(GroupName, GroupInput.nullable()).optional(),
  })
  .strict();

export function pricingView(p: PricingSnapshot) {
  return {
    quota_per_usd: QUOTA_PER_USD,
    groups: Object.fromEntries(Object.entries(p.groups).map(([name, g]) => [name, g.ratio])),
    group_limits: Object.fromEntries(Object.entries(p.groups).map(([name, g]) => [name, { rpm_limit: g.rpmLimit, tpm_limit: g.tpmLimit }])),
    models: Object.values(p.models).map((m) => ({
      model: m.model,
      model_ratio: m.modelRatio,
      completion_ratio: m.completionRatio,
      cache_ratio: m.cacheRatio,
      price_per_call: m.pricePerCall,
      // The operator's limit, else the shipped one for a known model (null: the default reserve applies).
      max_output_tokens: outputLimitOf(m),
    })),
  };
}

const priceColumns = {
  model_ratio: 'model_ratio', completion_ratio: 'completion_ratio', cache_ratio: 'cache_ratio', price_per_call: 'price_per_call', max_output_tokens: 'max_output_tokens',
} as const;

function modelStatements(c: Context<AppEnv>, models: NonNullable<z.infer<typeof PutPricing>['models']>, now: number): D1PreparedStatement[] {
  const db = c.env.DB;
  return Object.entries(models).map(([model, fields]) => {
    if (fields === null) return db.prepare('DELETE FROM model_prices WHERE model = ?').bind(model);
    const names = (Object.keys(fields) as (keyof typeof priceColumns)[]).filter((k) => fields[k] !== undefined);
    const updates = names.map((n) => `${priceColumns[n]} = excluded.${priceColumns[n]}`).concat('updated_at = excluded.updated_at');
    return db
      .prepare(
        `INSERT INTO model_prices (model, model_ratio, completion_ratio, cache_ratio, price_per_call, max_output_tokens, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(model) DO UPDATE SET ${updates.join(', ')}`,
      )
      .bind(model, fields.model_ratio ?? null, fields.completion_ratio ?? null, fields.cache_ratio ?? null, fields.price_per_call ?? null, fields.max_output_tokens ?? null, now);
  });
}

function groupStatements(c: Context<AppEnv>, groups: NonNullable<z.infer<typeof PutPricing>['groups']>, now: number): D1PreparedStatement[] {
  const db = c.env.DB;
  return Object.entries(groups).map(([name, value]) => {
    if (value === null) return db.prepare('DELETE FROM groups WHERE name = ?').bind(name);
    const g = typeof value === 'number' ? { ratio: value } : value;
    const sets = ['ratio = excluded.ratio', 'updated_at = excluded.updated_at'];
    if ('rpm_limit' in g && g.rpm_limit !== undefined) sets.push('rpm_limit = excluded.rpm_limit');
    if ('tpm_limit' in g && g.tpm_limit !== undefined) sets.push('tpm_limit = excluded.tpm_limit');
    return db
      .prepare(`INSERT INTO groups (name, ratio, rpm_limit, tpm_limit, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET ${sets.join(', ')}`)
      .bind(name, g.ratio, ('rpm_limit' in g ? g.rpm_limit : null) ?? null, ('tpm_limit' in g ? g.tpm_limit : null) ?? null, now);
  });
}

export const pricingRoutes = router();
pricingRoutes.put('/api/pricing', requireSession, adminOnly);
pricingRoutes.get('/api/pricing/history', requireSession);

pricingRoutes
  .openapi(
    createRoute({ method: 'get', path: '/api/pricing', tags: ['pricing'], summary: 'Model and group prices (public)', responses: { 200: json(AnyObject) } }),
    async (c) => c.json(pricingView(await loadPricingFromDb(c.env)), 200),
  )
  .openapi(
    createRoute({ method: 'put', path: '/api/pricing', tags: ['pricing'], summary: 'Merge price changes (admin); null removes an entry; recorded with its time', request: jsonBody(PutPricing), responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      const admin = requireAdmin(c);
      const body = c.req.valid('json');
      const now = Date.now();
      const statements = [
        ...modelStatements(c, body.models ?? {}, now),
        ...groupStatements(c, body.groups ?? {}, now),
        c.env.DB.prepare('INSERT INTO pricing_history (changed_at, changed_by, change) VALUES (?, ?, ?)').bind(now, admin.id, JSON.stringify(body)),
      ];
      await c.env.DB.batch(statements);
      return c.json(pricingView(await refreshPricing(c.env)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/pricing/history', tags: ['pricing'], summary: 'Past price changes, newest first (admin)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { results } = await c.env.DB.prepare('SELECT id, changed_at, changed_by, change FROM pricing_history ORDER BY id DESC LIMIT ?')
        .bind(c.req.valid('query').limit)
        .all<{ id: number; changed_at: number; changed_by: number | null; change: string }>();
      return c.json({ items: results.map((r) => ({ ...r, changed_at: new Date(r.changed_at).toISOString(), change: JSON.parse(r.change) as unknown })) }, 200);
    },
  );
