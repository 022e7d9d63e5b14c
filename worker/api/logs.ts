import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-types';
import type { Context } from 'hono';
import { dbOf } from '../db/client';
import { logsPage, type LogEntry } from '../db/logs';
import { errors, json, router, TimeInput, toMs } from './openapi';
import { Cursor, Iso, Limit, isoOf, pageOf } from './fields';
import { currentUser, requireSession } from './session';

export const LogView = z
  .object({
    id: z.number().int(),
    created_at: Iso,
    request_id: z.string(),
    user_id: z.number().int(),
    token_id: z.number().int().nullable(),
    token_name: z.string().nullable(),
    channel_id: z.number().int().nullable(),
    model: z.string(),
    endpoint: z.string(),
    is_stream: z.boolean(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    cached_tokens: z.number().int(),
    /** The tokens were counted by the relay (the upstream reported none, or the stream ended early). */
    usage_counted: z.boolean(),
    quota: z.number().int(),
    /** The charge was capped at what the account still held. */
    capped: z.boolean(),
    model_ratio: z.number().nullable(),
    completion_ratio: z.number().nullable(),
    group_ratio: z.number().nullable(),
    ip: z.string().nullable(),
    /** This row is the key's first request from this IP. */
    ip_first_seen: z.boolean(),
    status: z.number().int(),
    error_code: z.string().nullable(),
    latency_ms: z.number().int(),
    attempts: z.number().int(),
    /** The call's session, hashed and scoped by its key (sticky sessions); null without one. */
    session_hash: z.string().nullable(),
    /** The provider reported a cache read (cached prompt tokens). */
    cache_read: z.boolean(),
  })
  .openapi('LogEntry');
export type LogView = z.infer<typeof LogView>;

export const logView = (r: LogEntry): LogView => ({
  id: r.id,
  created_at: isoOf(r.createdAt),
  request_id: r.requestId,
  user_id: r.userId,
  token_id: r.tokenId,
  token_name: r.tokenName,
  channel_id: r.channelId,
  model: r.model,
  endpoint: r.endpoint,
  is_stream: r.isStream,
  prompt_tokens: r.promptTokens,
  completion_tokens: r.completionTokens,
  cached_tokens: r.cachedTokens,
  usage_counted: r.usageCounted,
  quota: r.quota,
  capped: r.capped,
  model_ratio: r.modelRatio,
  completion_ratio: r.completionRatio,
  group_ratio: r.groupRatio,
  ip: r.ip,
  ip_first_seen: r.ipFirstSeen,
  status: r.status,
  error_code: r.errorCode,
  latency_ms: r.latencyMs,
  attempts: r.attempts,
  session_hash: r.sessionHash,
  cache_read: r.cacheRead,
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
  limit: Limit(500, 50),
  cursor: Cursor,
});

export const logRoutes = router();
logRoutes.use('/api/logs', requireSession);
logRoutes.use('/api/logs/*', requireSession);

logRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/logs',
    tags: ['logs'],
    summary: 'Request logs, newest first; `from` and `to` are inclusive; cursor pagination',
    request: { query: LogQuery },
    responses: { 200: json(pageOf(LogView)), ...errors },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { items, next } = await logsPage(dbOf(c.env.DB), {
      userId: scopedUserId(c, q.user_id),
      tokenId: q.token_id,
      model: q.model,
      ip: q.ip,
      status: q.status,
      fromMs: q.from !== undefined ? toMs(q.from) : undefined,
      toMs: q.to !== undefined ? toMs(q.to) : undefined,
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json({ items: items.map(logView), next_cursor: next === null ? null : String(next) }, 200);
  },
);
