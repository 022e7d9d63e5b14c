/** The operator's view of mail: every notice with its status, and re-send. */
import { createRoute, z } from '@hono/zod-openapi';
import { dbOf } from '../db/client';
import { noticeById, noticesPage, requeueNotice, type NoticeRow } from '../db/notices';
import { NOTICE_STATUSES } from '../db/schema';
import { ApiError, notFound } from '../lib/errors';
import { MailMessage } from '../mail/messages';
import { ErrorSchema, IdParam, errors, json, router } from './openapi';
import { Cursor, Iso, Limit, isoOf, isoOrNull, pageOf } from './fields';
import { adminOnly, requireAdmin, requireSession } from './session';
import { audit } from '../security/audit';

export const NoticeView = z
  .object({
    id: z.number().int(),
    kind: z.string().openapi({ example: 'new_ip' }),
    user_id: z.number().int().nullable(),
    to: z.string(),
    subject: z.string(),
    status: z.enum(NOTICE_STATUSES),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    created_at: Iso,
    updated_at: Iso,
    sent_at: Iso.nullable(),
  })
  .openapi('Notice');

export function noticeView(r: NoticeRow): z.infer<typeof NoticeView> {
  return {
    id: r.id,
    kind: r.kind,
    user_id: r.userId,
    to: r.to,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    last_error: r.lastError,
    created_at: isoOf(r.createdAt),
    updated_at: isoOf(r.updatedAt),
    sent_at: isoOrNull(r.sentAt),
  };
}

export const noticeRoutes = router();
noticeRoutes.use('/api/notices', requireSession, adminOnly);
noticeRoutes.use('/api/notices/*', requireSession, adminOnly);

noticeRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/notices',
      tags: ['notices'],
      summary: 'Mailed notices, newest first, with their delivery status (admin)',
      request: {
        query: z.object({ status: z.enum(NOTICE_STATUSES).optional(), limit: Limit(500, 100), cursor: Cursor }),
      },
      responses: { 200: json(pageOf(NoticeView)), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { status, limit, cursor } = c.req.valid('query');
      const rows = await noticesPage(dbOf(c.env.DB), { status, cursor, limit: limit + 1 });
      const items = rows.slice(0, limit);
      return c.json(
        { items: items.map(noticeView), next_cursor: rows.length > limit ? String(items[items.length - 1].id) : null },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/notices/{id}/resend',
      tags: ['notices'],
      summary: 'Queue a notice again (failed, dead, not sent, or sent once more) (admin)',
      request: { params: IdParam },
      responses: {
        202: json(NoticeView, 'Queued'),
        409: json(ErrorSchema, 'Being sent right now, or no queue is bound'),
        ...errors,
      },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const db = dbOf(c.env.DB);
      if (!(await noticeById(db, id))) throw notFound('notice');
      const queue = c.env.MAIL_QUEUE;
      if (!queue) throw new ApiError(409, 'conflict', 'no mail queue is bound to this Worker');
      const row = await requeueNotice(db, id, Date.now());
      if (!row) throw new ApiError(409, 'conflict', 'the notice is being sent right now');
      const message = MailMessage.safeParse(row.payload);
      if (!message.success)
        throw new ApiError(409, 'conflict', 'the notice was made by a message this version cannot read');
      await queue.send(message.data);
      await audit(c, { action: 'notice.resend', target: `notice:${id}`, summary: `queued ${row.kind} again` });
      return c.json(noticeView(row), 202);
    },
  );
