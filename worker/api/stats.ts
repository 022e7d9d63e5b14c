import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { dbOf } from '../db/client';
import { dailyTotals, minuteTotals, type DayModelTotals, type StatsScope } from '../db/stats';
import { errors, json, router } from './openapi';
import { Iso } from './fields';
import { requireSession } from './session';
import { scopedUserId } from './logs';
import { cacheRates, hitRate, tokenRate, type CacheRate } from '../db/cache-stats';

const MINUTE = 60_000;
const DAY = 86_400_000;

export const MinuteStat = z
  .object({ minute: Iso, requests: z.number().int(), tokens: z.number().int(), quota: z.number().int() })
  .openapi('MinuteStat');
export const DayStat = z
  .object({
    day: z.string().openapi({ example: '2026-11-28' }),
    model: z.string(),
    requests: z.number().int(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    quota: z.number().int(),
  })
  .openapi('DayStat');

const cacheFields = {
  requests: z.number().int(),
  cache_reads: z.number().int(),
  /** cache_reads / requests. */
  hit_rate: z.number(),
  prompt_tokens: z.number().int(),
  cached_tokens: z.number().int(),
  /** cached_tokens / prompt_tokens. */
  token_rate: z.number(),
};
export const CacheStats = z
  .object({
    since: Iso,
    by_model: z.array(z.object({ model: z.string(), ...cacheFields })),
    by_channel: z.array(z.object({ channel_id: z.number().int(), ...cacheFields })),
  })
  .openapi('CacheStats');

const cacheView = (r: CacheRate) => ({
  requests: r.requests,
  cache_reads: r.cacheReads,
  hit_rate: hitRate(r),
  prompt_tokens: r.promptTokens,
  cached_tokens: r.cachedTokens,
  token_rate: tokenRate(r),
});

/** The prompt cache's hit rate over the served calls of the last `hours`, by model and by channel. */
export async function cacheStats(env: Env, userId: number | null, hours: number) {
  const sinceMs = Date.now() - hours * 3_600_000;
  const rates = await cacheRates(dbOf(env.DB), userId, sinceMs);
  return {
    since: new Date(sinceMs).toISOString(),
    by_model: rates.byModel.map((r) => ({ model: r.model, ...cacheView(r) })),
    by_channel: rates.byChannel.map((r) => ({ channel_id: r.channelId, ...cacheView(r) })),
  };
}

export type { StatsScope };

/** Requests, tokens and charge for every minute of the last `minutes`, zeros included, oldest first. */
export async function minuteSeries(
  env: Env,
  scope: StatsScope,
  minutes: number,
): Promise<{ minute: number; requests: number; tokens: number; quota: number }[]> {
  const last = Math.floor(Date.now() / MINUTE);
  const first = last - minutes + 1;
  const rows = await minuteTotals(dbOf(env.DB), scope, first);
  const byMinute = new Map(rows.map((r) => [Math.floor(r.minute), r]));
  return Array.from({ length: minutes }, (_, i) => {
    const r = byMinute.get(first + i);
    return { minute: first + i, requests: r?.requests ?? 0, tokens: r?.tokens ?? 0, quota: r?.quota ?? 0 };
  });
}

/** Daily totals by model over the last `days` UTC days: raw log rows and folded rollups together. */
export async function dailyUsage(
  env: Env,
  scope: StatsScope,
  days: number,
): Promise<{ startMs: number; rows: DayModelTotals[] }> {
  const startMs = Math.floor(Date.now() / DAY) * DAY - (days - 1) * DAY;
  return { startMs, rows: await dailyTotals(dbOf(env.DB), scope, startMs) };
}

export const statsRoutes = router();
statsRoutes.use('/api/stats/*', requireSession);

statsRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/stats/rpm',
      tags: ['stats'],
      summary: 'Requests, tokens and charge per minute; every minute of the range',
      request: {
        query: z.object({
          minutes: z.coerce.number().int().min(1).max(1440).default(60),
          token_id: z.coerce.number().int().positive().optional(),
          user_id: z.coerce.number().int().positive().optional(),
        }),
      },
      responses: { 200: json(z.array(MinuteStat)), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const series = await minuteSeries(c.env, { userId: scopedUserId(c, q.user_id), tokenId: q.token_id }, q.minutes);
      return c.json(
        series.map((r) => ({ ...r, minute: new Date(r.minute * MINUTE).toISOString() })),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/stats/usage',
      tags: ['stats'],
      summary: 'Daily totals by model (UTC days), raw logs and folded rollups together',
      request: {
        query: z.object({
          days: z.coerce.number().int().min(1).max(3660).default(30),
          user_id: z.coerce.number().int().positive().optional(),
          token_id: z.coerce.number().int().positive().optional(),
          model: z.string().max(256).optional(),
        }),
      },
      responses: { 200: json(z.array(DayStat)), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { rows } = await dailyUsage(
        c.env,
        { userId: scopedUserId(c, q.user_id), tokenId: q.token_id, model: q.model },
        q.days,
      );
      return c.json(
        rows.map((r) => ({
          day: r.day,
          model: r.model,
          requests: r.requests,
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          quota: r.quota,
        })),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/stats/cache',
      tags: ['stats'],
      summary: "The provider's prompt cache: served calls that read it, by model and by channel, over the last hours",
      request: {
        query: z.object({
          hours: z.coerce
            .number()
            .int()
            .min(1)
            .max(24 * 30)
            .default(24),
          user_id: z.coerce.number().int().positive().optional(),
        }),
      },
      responses: { 200: json(CacheStats), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await cacheStats(c.env, scopedUserId(c, q.user_id), q.hours), 200);
    },
  );
