/** `GET /api/audit`: what admins changed, newest first (worker/security/audit.ts writes it). */
import { createRoute, z } from '@hono/zod-openapi';
import { dbOf } from '../db/client';
import { auditPage } from '../db/audit';
import { errors, json, router } from './openapi';
import { Cursor, Iso, Limit, isoOf, pageOf } from './fields';
import { adminOnly, requireSession } from './session';

export const AuditItem = z
  .object({
    id: z.number().int(),
    at: Iso,
    actor_id: z.number().int(),
    action: z.string().openapi({ example: 'channel.update' }),
    target: z.string().nullable().openapi({ example: 'channel:3' }),
    summary: z.string(),
    ip: z.string().nullable(),
  })
  .openapi('AuditEntry');

export const auditRoutes = router();
auditRoutes.use('/api/audit', requireSession, adminOnly);

auditRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/audit',
    tags: ['audit'],
    summary: 'Every change an admin made, newest first (admin); never a secret, key or password',
    request: {
      query: z.object({
        cursor: Cursor,
        limit: Limit(500, 100),
        actor: z.coerce
          .number()
          .int()
          .positive()
          .optional()
          .openapi({ description: "Only this admin's changes (user id)" }),
        action: z.string().max(64).optional().openapi({ description: 'Only this action, e.g. user.quota' }),
      }),
    },
    responses: { 200: json(pageOf(AuditItem)), ...errors },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { items, next } = await auditPage(dbOf(c.env.DB), {
      cursor: q.cursor,
      actorId: q.actor,
      action: q.action,
      limit: q.limit,
    });
    return c.json(
      {
        items: items.map((r) => ({
          id: r.id,
          at: isoOf(r.at),
          actor_id: r.actorId,
          action: r.action,
          target: r.target,
          summary: r.summary,
          ip: r.ip,
        })),
        next_cursor: next === null ? null : String(next),
      },
      200,
    );
  },
);
