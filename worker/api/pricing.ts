import { createRoute, z } from '@hono/zod-openapi';
import { QUOTA_PER_USD, effectiveRates } from '../billing/charge';
import { outputLimitOf } from '../billing/output-limits';
import { loadPricingFromDb, refreshPricing, type PricingSnapshot } from '../db/snapshots';
import { dbOf, runBatch, type Statement } from '../db/client';
import {
  deleteGroup,
  deleteModelPrice,
  pricingChanges,
  recordPricingChange,
  upsertGroup,
  upsertModelPrice,
  type PriceFields,
} from '../db/pricing';
import { errors, json, jsonBody, router } from './openapi';
import { GroupName, Iso, Limit, ModelName, isoOf, listOf } from './fields';
import { adminOnly, requireAdmin, requireSession } from './session';
import { notePriceChange } from '../mail/prices';
import { auditStatement } from '../security/audit';
import { requestLinkBase } from '../mail/base';

const Ratio = z.number().nonnegative().max(1_000_000).nullable();

const Multiplier = z.number().positive().max(1000);

/** Long-context rates; given in any order, kept sorted by threshold (each threshold once). */
export const TiersInput = z
  .array(
    z
      .object({
        above_prompt_tokens: z.number().int().nonnegative().max(100_000_000),
        prompt_multiplier: Multiplier,
        completion_multiplier: Multiplier,
      })
      .strict(),
  )
  .max(10)
  .transform((tiers) => [...tiers].sort((a, b) => a.above_prompt_tokens - b.above_prompt_tokens))
  .refine((tiers) => tiers.every((t, i) => i === 0 || t.above_prompt_tokens !== tiers[i - 1].above_prompt_tokens), {
    message: 'each above_prompt_tokens once',
  });

const ModelPriceInput = z
  .object({
    model_ratio: Ratio,
    completion_ratio: Ratio,
    cache_ratio: Ratio,
    cache_write_ratio: Ratio,
    cache_write_1h_ratio: Ratio,
    tiers: TiersInput.nullable(),
    pinned: z.boolean(),
    price_per_call: Ratio,
    max_output_tokens: z.number().int().positive().max(10_000_000).nullable(),
  })
  .partial()
  .strict();

const GroupInput = z.union([
  z.number().nonnegative().max(1_000_000),
  z
    .object({
      ratio: z.number().nonnegative().max(1_000_000),
      rpm_limit: z.number().int().positive().nullable().optional(),
      tpm_limit: z.number().int().positive().nullable().optional(),
    })
    .strict(),
]);

const PutPricing = z
  .object({
    models: z.record(ModelName, ModelPriceInput.nullable()).optional(),
    groups: z.record(GroupName, GroupInput.nullable()).optional(),
  })
  .strict();

export const ModelPriceView = z
  .object({
    model: z.string(),
    model_ratio: z.number().nullable(),
    completion_ratio: z.number().nullable(),
    cache_ratio: z.number().nullable(),
    /** The operator's value, else the shipped one for a known model, else 1. */
    cache_write_ratio: z.number(),
    /** The operator's value, else the shipped one, else cache_write_ratio. */
    cache_write_1h_ratio: z.number(),
    tiers: z.array(
      z.object({
        above_prompt_tokens: z.number().int(),
        prompt_multiplier: z.number(),
        completion_multiplier: z.number(),
      }),
    ),
    /** Priced by hand: the price sync leaves it alone. */
    pinned: z.boolean(),
    price_per_call: z.number().nullable(),
    /** The operator's limit, else the shipped one for a known model (null: DEFAULT_COMPLETION_RESERVE applies). */
    max_output_tokens: z.number().int().nullable(),
  })
  .openapi('ModelPrice');

export const PricingView = z
  .object({
    quota_per_usd: z.number(),
    groups: z.record(z.string(), z.number()),
    group_limits: z.record(
      z.string(),
      z.object({ rpm_limit: z.number().int().nullable(), tpm_limit: z.number().int().nullable() }),
    ),
    models: z.array(ModelPriceView),
  })
  .openapi('Pricing');

export const PricingChangeView = z
  .object({
    id: z.number().int(),
    changed_at: Iso,
    changed_by: z.number().int().nullable(),
    username: z.string().nullable(),
    source: z.enum(['admin', 'sync']),
    change: z.unknown(),
  })
  .openapi('PricingChange');

export function pricingView(p: PricingSnapshot): z.infer<typeof PricingView> {
  return {
    quota_per_usd: QUOTA_PER_USD,
    groups: Object.fromEntries(Object.entries(p.groups).map(([name, g]) => [name, g.ratio])),
    group_limits: Object.fromEntries(
      Object.entries(p.groups).map(([name, g]) => [name, { rpm_limit: g.rpmLimit, tpm_limit: g.tpmLimit }]),
    ),
    models: Object.values(p.models).map((m) => {
      const rates = effectiveRates(m);
      return {
        model: m.model,
        model_ratio: m.modelRatio,
        completion_ratio: m.completionRatio,
        cache_ratio: m.cacheRatio,
        cache_write_ratio: rates.cacheWriteRatio,
        cache_write_1h_ratio: rates.cacheWrite1hRatio,
        tiers: rates.tiers,
        pinned: m.pinned ?? false,
        price_per_call: m.pricePerCall,
        max_output_tokens: outputLimitOf(m),
      };
    }),
  };
}

type PricingInput = z.infer<typeof PutPricing>;

/** Only the fields given change; null clears a field. */
function priceFields(fields: NonNullable<NonNullable<PricingInput['models']>[string]>): PriceFields {
  const out: PriceFields = {};
  if (fields.model_ratio !== undefined) out.modelRatio = fields.model_ratio;
  if (fields.completion_ratio !== undefined) out.completionRatio = fields.completion_ratio;
  if (fields.cache_ratio !== undefined) out.cacheRatio = fields.cache_ratio;
  if (fields.cache_write_ratio !== undefined) out.cacheWriteRatio = fields.cache_write_ratio;
  if (fields.cache_write_1h_ratio !== undefined) out.cacheWrite1hRatio = fields.cache_write_1h_ratio;
  if (fields.tiers !== undefined) out.tiers = fields.tiers;
  if (fields.pinned !== undefined) out.pinned = fields.pinned;
  if (fields.price_per_call !== undefined) out.pricePerCall = fields.price_per_call;
  if (fields.max_output_tokens !== undefined) out.maxOutputTokens = fields.max_output_tokens;
  return out;
}

function pricingStatements(body: PricingInput, db: ReturnType<typeof dbOf>, now: number): Statement[] {
  const statements: Statement[] = [];
  for (const [model, fields] of Object.entries(body.models ?? {})) {
    statements.push(
      fields === null ? deleteModelPrice(db, model) : upsertModelPrice(db, model, priceFields(fields), now),
    );
  }
  for (const [name, value] of Object.entries(body.groups ?? {})) {
    if (value === null) {
      statements.push(deleteGroup(db, name));
      continue;
    }
    const g = typeof value === 'number' ? { ratio: value } : value;
    statements.push(
      upsertGroup(
        db,
        name,
        {
          ratio: g.ratio,
          ...('rpm_limit' in g && g.rpm_limit !== undefined ? { rpmLimit: g.rpm_limit } : {}),
          ...('tpm_limit' in g && g.tpm_limit !== undefined ? { tpmLimit: g.tpm_limit } : {}),
        },
        now,
      ),
    );
  }
  return statements;
}

export const pricingRoutes = router();
pricingRoutes.put('/api/pricing', requireSession, adminOnly);
pricingRoutes.get('/api/pricing/history', requireSession);

pricingRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/pricing',
      tags: ['pricing'],
      summary: 'Model and group prices (public)',
      responses: { 200: json(PricingView) },
    }),
    async (c) => c.json(pricingView(await loadPricingFromDb(c.env)), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/pricing',
      tags: ['pricing'],
      summary: 'Merge price changes (admin); null removes an entry; recorded with its time',
      request: jsonBody(PutPricing),
      responses: { 200: json(PricingView), ...errors },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      const body = c.req.valid('json');
      const now = Date.now();
      const db = dbOf(c.env.DB);
      const before = await loadPricingFromDb(c.env);
      const summary = `models: ${Object.keys(body.models ?? {}).join(', ') || 'none'}; groups: ${Object.keys(body.groups ?? {}).join(', ') || 'none'}`;
      await runBatch(db, [
        ...pricingStatements(body, db, now),
        recordPricingChange(db, admin.id, body, now, 'admin'),
        auditStatement(c, { action: 'pricing.update', target: 'pricing', summary }),
      ]);
      const after = await refreshPricing(c.env);
      // Subscribers hear of models whose effective price moved (worker/mail/prices.ts).
      await notePriceChange(c.env, before, after, Object.keys(body.models ?? {}), requestLinkBase(c));
      return c.json(pricingView(after), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/pricing/history',
      tags: ['pricing'],
      summary: 'Past price changes, newest first (admin)',
      request: { query: z.object({ limit: Limit(500, 100) }) },
      responses: { 200: json(listOf(PricingChangeView)), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const rows = await pricingChanges(dbOf(c.env.DB), c.req.valid('query').limit);
      return c.json(
        {
          items: rows.map((r) => ({
            id: r.id,
            changed_at: isoOf(r.changedAt),
            changed_by: r.changedBy,
            username: r.username,
            source: r.source,
            change: r.change,
          })),
        },
        200,
      );
    },
  );
