import { createRoute, z } from '@hono/zod-openapi';
import { dbOf } from '../db/client';
import { eventsPage } from '../db/events';
import { errors, json, router } from './openapi';
import { Iso, Limit, isoOf, listOf } from './fields';
import { adminOnly, requireAdmin, requireSession } from './session';

export const EventView = z
  .object({
    id: z.number().int(),
    created_at: Iso,
    kind: z.string().openapi({ example: 'circuit_open' }),
    subject: z.string().openapi({ example: 'channel:3' }),
    message: z.string(),
    details: z.unknown().nullable(),
  })
  .openapi('Event');

export const eventRoutes = router();
eventRoutes.use('/api/events', requireSession, adminOnly);

eventRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/events',
    tags: ['events'],
    summary: 'Operator events, newest first: circuit changes, auto-disables, reconciliation findings (admin)',
    request: { query: z.object({ limit: Limit(500, 100), subject: z.string().max(64).optional() }) },
    responses: { 200: json(listOf(EventView)), ...errors },
  }),
  async (c) => {
    requireAdmin(c);
    const { limit, subject } = c.req.valid('query');
    const rows = await eventsPage(dbOf(c.env.DB), subject, limit);
    return c.json(
      {
        items: rows.map((r) => ({
          id: r.id,
          created_at: isoOf(r.createdAt),
          kind: r.kind,
          subject: r.subject,
          message: r.message,
          details: r.details ?? null,
        })),
      },
      200,
    );
  },
);
