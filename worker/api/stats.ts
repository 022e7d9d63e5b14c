import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { AnyObject, errors, json, router } from './openapi';
import { requireSession } from './session';
import { scopedUserId } from './logs';

const MINUTE = 60_000;
const DAY = 86_400_000;

interface MinuteRow {
  m: number;
  requests: number;
  tokens: number;
  quota: number;
}

export interface UsageRow {
  day: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  quota: number;
}

export interface StatsScope {
  userId: number | null;
  tokenId?: number | null;
  model?: string | null;
}

/** Requests, tokens and charge for every minute of the last `minutes`, zeros included, oldest first. */
export async function minuteSeries(env: Env, scope: StatsScope, minutes: number): Promise<{ minute: number; requests: number; tokens: number; quota: number }[]> {
  const last = Math.floor(Date.now() / MINUTE);
  const first = last - minutes + 1;
  const { results } = await env.DB.prepare(
    `SELECT created_at / 60000 AS m, COUNT(*) AS requests, SUM(prompt_tokens + completion_tokens) AS tokens, SUM(quota) AS quota
       FROM logs WHERE created_at >= ?1 AND (?2 IS NULL OR user_id = ?2) AND (?3 IS NULL OR token_id = ?3)
      GROUP BY m`,
  )
    .bind(first * MINUTE, scope.userId, scope.tokenId ?? null)
    .all<MinuteRow>();
  const byMinute = new Map(results.map((r) => [Math.floor(r.m), r]));
  return Array.from({ length: minutes }, (_, i) => {
    const r = byMinute.get(first + i);
    return { minute: first + i, requests: r?.requests ?? 0, tokens: r?.tokens ?? 0, quota: r?.quota ?? 0 };
  });
}

/** Daily totals by model over the last `days` UTC days: raw log rows and folded rollups together. */
export async function dailyUsage(env: Env, scope: StatsScope, days: number): Promise<{ startMs: number; rows: UsageRow[] }> {
  const startMs = Math.floor(Date.now() / DAY) * DAY - (days - 1) * DAY;
  const startDay = new Date(startMs).toISOString().slice(0, 10);
  const { results } = await env.DB.prepare(
    `SELECT day, model, SUM(requests) AS requests, SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, SUM(quota) AS quota
       FROM (
         SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, model, 1 AS requests, prompt_tokens, completion_tokens, quota
           FROM logs WHERE created_at >= ?1 AND (?3 IS NULL OR user_id = ?3) AND (?4 IS NULL OR token_id = ?4) AND (?5 IS NULL OR model = ?5)
         UNION ALL
         SELECT day, model, requests, prompt_tokens, completion_tokens, quota
           FROM usage_daily WHERE day >= ?2 AND (?3 IS NULL OR user_id = ?3) AND (?4 IS NULL OR token_id = ?4) AND (?5 IS NULL OR model = ?5)
       )
      GROUP BY day, model ORDER BY day, model`,
  )
    .bind(startMs, startDay, scope.userId, scope.tokenId ?? null, scope.model ?? null)
    .all<UsageRow>();
  return { startMs, rows: results };
}

export const statsRoutes = router();
statsRoutes.use('/api/stats/*', requireSession);

statsRoutes
  .openapi(
    createRoute({
      method: 'get', path: '/api/stats/rpm', tags: ['stats'], summary: 'Requests, tokens and charge per minute; every minute of the range',
      request: { query: z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(60), token_id: z.coerce.number().int().positive().optional(), user_id: z.coerce.number().int().positive().optional() }) },
      responses: { 200: json(z.array(AnyObject)), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const userId = scopedUserId(c, q.user_id);
      const series = await minuteSeries(c.env, { userId, tokenId: q.token_id }, q.minutes);
      const rows = series.map((r) => ({ ...r, minute: new Date(r.minute * MINUTE).toISOString() }));
      return c.json(rows, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/stats/usage', tags: ['stats'], summary: 'Daily totals by model (UTC days), raw logs and folded rollups together',
      request: {
        query: z.object({
          days: z.coerce.number().int().min(1).max(3660).default(30),
          user_id: z.coerce.number().int().positive().optional(),
          token_id: z.coerce.number().int().positive().optional(),
          model: z.string().max(256).optional(),
        }),
      },
      responses: { 200: json(z.array(AnyObject)), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const userId = scopedUserId(c, q.user_id);
      const { rows } = await dailyUsage(c.env, { userId, tokenId: q.token_id, model: q.model }, q.days);
      return c.json(rows, 200);
    },
  );
