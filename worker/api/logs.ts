import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-types';
import type { Context } from 'hono';
import { AnyObject, TimeInput, errors, json, router, toMs } from './openapi';
import { currentUser, requireSession } from './session';
import { IP_FIRST_SEEN_COLUMN, IP_FIRST_SEEN_JOIN } from '../db/queries';
import type { LogRow } from '../account/types';

/** A log row as D1 answers it: the relay's row with SQLite's 0/1 for booleans, plus the joins. */
export type LogDbRow = { [K in keyof LogRow]: LogRow[K] extends boolean ? number : LogRow[K] } & {
  id: number;
  token_name: string | null;
  ip_first_seen: number;
};

const logView = (r: LogDbRow) => ({
  ...r,
  created_at: new Date(r.created_at).toISOString(),
  is_stream: r.is_stream === 1,
  usage_counted: r.usage_counted === 1,
  capped: r.capped === 1,
  ip_first_seen: r.ip_first_seen === 1,
});

/** A customer's view is always their own: the filter is forced to their id. */
export function scopedUserId(c: Context<AppEnv>, asked: number | undefined): number | null {
  const me = currentUser(c);
  return me.role === 'admin' ? (asked ?? null) : me.id;
}

const LogQuery = z.object({
  user_id: z.coerce.number().int().positive().optional(),
  token_id: z.coerce.number().int().positive().optional(),
  model: z.string().max(256).optional(),
  ip: z.string().max(64).optional(),
  status: z.coerce.number().int().optional(),
  from: TimeInput.optional(),
  to: TimeInput.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().positive().optional(),
});

export const logRoutes = router();
logRoutes.use('/api/logs', requireSession);
logRoutes.use('/api/logs/*', requireSession);

logRoutes.openapi(
  createRoute({ method: 'get', path: '/api/logs', tags: ['logs'], summary: 'Request logs, newest first; cursor pagination', request: { query: LogQuery }, responses: { 200: json(AnyObject), ...errors } }),
  async (c) => {
    const q = c.req.valid('query');
    const userId = scopedUserId(c, q.user_id);
    const { results } = await c.env.DB.prepare(
      `SELECT l.*, t.name AS token_name, ${IP_FIRST_SEEN_COLUMN}
         FROM logs l LEFT JOIN tokens t ON t.id = l.token_id ${IP_FIRST_SEEN_JOIN}
        WHERE (?1 IS NULL OR l.user_id = ?1) AND (?2 IS NULL OR l.token_id = ?2) AND (?3 IS NULL OR l.model = ?3)
          AND (?4 IS NULL OR l.ip = ?4) AND (?5 IS NULL OR l.created_at >= ?5) AND (?6 IS NULL OR l.created_at <= ?6)
          AND (?7 IS NULL OR l.id < ?7) AND (?8 IS NULL OR l.status = ?8)
        ORDER BY l.id DESC LIMIT ?9`,
    )
      .bind(userId, q.token_id ?? null, q.model ?? null, q.ip ?? null, q.from !== undefined ? toMs(q.from) : null, q.to !== undefined ? toMs(q.to) : null, q.cursor ?? null, q.status ?? null, q.limit + 1)
      .all<LogDbRow>();
    const page = results.slice(0, q.limit);
    const next = results.length > q.limit ? String(page[page.length - 1].id) : null;
    return c.json({ items: page.map(logView), next_cursor: next }, 200);
  },
);
