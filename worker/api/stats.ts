import { createRoute, z } from '@hono/zod-openapi';
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

interface UsageRow {
  day: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  quota: number;
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
      const last = Math.floor(Date.now() / MINUTE);
      const first = last - q.minutes + 1;
      const { results } = await c.env.DB.prepare(
        `SELECT created_at / 60000 AS m, COUNT(*) AS requests, SUM(prompt_tokens + completion_tokens) AS tokens, SUM(quota) AS quota
           FROM logs WHERE created_at >= ?1 AND (?2 IS NULL OR user_id = ?2) AND (?3 IS NULL OR token_id = ?3)
          GROUP BY m`,
      )
        .bind(first * MINUTE, userId, q.token_id ?? null)
        .all<MinuteRow>();
      const byMinute = new Map(results.map((r) => [r.m, r]));
      const rows = [];
      for (let m = first; m <= last; m++) {
        const r = byMinute.get(m);
        rows.push({ minute: new Date(m * MINUTE).toISOString(), requests: r?.requests ?? 0, tokens: r?.tokens ?? 0, quota: r?.quota ?? 0 });
      }
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
      const startMs = Math.floor(Date.now() / DAY) * DAY - (q.days - 1) * DAY;
      const startDay = new Date(startMs).toISOString().slice(0, 10);
      const { results } = await c.env.DB.prepare(
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
        .bind(startMs, startDay, userId, q.token_id ?? null, q.model ?? null)
        .all<UsageRow>();
      return c.json(results, 200);
    },
  );
