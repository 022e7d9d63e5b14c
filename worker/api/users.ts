import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError, conflict, notFound } from '../lib/errors';
import { hashPassword } from '../lib/crypto';
import { accountOf } from '../account/client';
import { forgetTokens } from '../db/snapshots';
import { dbOf } from '../db/client';
import { LEDGER_REASONS } from '../db/schema';
import { ledgerPage } from '../db/ledger';
import { livePending } from '../db/addresses';
import { createUser, keyHashesOf, updateUser, userById, userExists, usersPage, type UserSummary } from '../db/users';
import { IdParam, errors, json, jsonBody, router } from './openapi';
import { Cursor, GroupName, Iso, Limit, Password, Units, Username, atLeastOne, isoOf, listOf, pageOf } from './fields';
import { adminOnly, currentUser, requireAdmin, requireSession } from './session';
import { audit } from '../security/audit';

export const UserView = z
  .object({
    id: z.number().int(),
    username: z.string(),
    role: z.enum(['admin', 'user']),
    group: z.string(),
    /** The live balance, from the user's account object. */
    quota: z.number().int(),
    used_quota: z.number().int(),
    status: z.enum(['enabled', 'disabled']),
    created_at: Iso,
    /** The confirmed address; `pending_email` waits for its link (PUT /api/notifications). */
    email: z.string().nullable(),
    pending_email: z.string().nullable(),
  })
  .openapi('User');
export type UserView = z.infer<typeof UserView>;

export const LedgerItem = z
  .object({
    id: z.number().int(),
    created_at: Iso,
    delta: z.number().int(),
    balance_after: z.number().int(),
    reason: z.enum(LEDGER_REASONS),
    note: z.string().nullable(),
    request_id: z.string().nullable(),
    order_no: z.string().nullable(),
  })
  .openapi('LedgerEntry');

export const userView = (u: UserSummary): UserView => ({
  id: u.id,
  username: u.username,
  role: u.role,
  group: u.group,
  quota: u.quota,
  used_quota: u.usedQuota,
  status: u.status,
  created_at: isoOf(u.createdAt),
  email: u.email,
  pending_email: livePending(u.pendingEmail, u.pendingEmailAt),
});

/** A user with the live balance from their account object. */
export async function loadUserView(c: Context<AppEnv>, id: number): Promise<UserView> {
  const row = await userById(dbOf(c.env.DB), id);
  if (!row) throw notFound('user');
  const live = await accountOf(c.env, id).balance();
  return userView({ ...row, quota: live.quota, usedQuota: live.usedQuota });
}

const CreateUser = z.object({
  username: Username,
  password: Password,
  group: GroupName.default('default'),
  quota: Units.default(0),
  role: z.enum(['admin', 'user']).default('user'),
});

const PatchUser = atLeastOne({ group: GroupName, status: z.enum(['enabled', 'disabled']), password: Password });

const QuotaBody = z.object({
  delta: z
    .number()
    .int()
    .refine((n) => n !== 0, 'must not be zero'),
  note: z.string().max(500).optional(),
});

/** How long a quota change's Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

export const userRoutes = router();
userRoutes.use('/api/users', requireSession);
userRoutes.use('/api/users/*', requireSession);
userRoutes.on(['POST'], '/api/users', adminOnly);
userRoutes.on(['PATCH'], '/api/users/:id', adminOnly);
userRoutes.on(['POST'], '/api/users/:id/quota', adminOnly);

userRoutes
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/users',
      tags: ['users'],
      summary: 'Create a user (admin)',
      request: jsonBody(CreateUser),
      responses: { 201: json(UserView), ...errors, 409: errors[400] },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      const body = c.req.valid('json');
      const id = await createUser(
        dbOf(c.env.DB),
        {
          username: body.username,
          passwordHash: await hashPassword(body.password),
          role: body.role,
          group: body.group,
          quota: body.quota,
          note: `initial quota by admin ${admin.id}`,
        },
        Date.now(),
      );
      if (id === null) throw conflict(`username: "${body.username}" is taken`);
      await audit(c, {
        action: 'user.create',
        target: `user:${id}`,
        summary: `"${body.username}", role ${body.role}, group ${body.group}, quota ${body.quota}`,
      });
      return c.json(await loadUserView(c, id), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/users',
      tags: ['users'],
      summary: 'List users (admin)',
      request: {
        query: z.object({
          limit: Limit(500, 100),
          offset: z.coerce.number().int().min(0).default(0),
          q: z.string().max(64).optional(),
        }),
      },
      responses: { 200: json(listOf(UserView)), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { limit, offset, q } = c.req.valid('query');
      const rows = await usersPage(dbOf(c.env.DB), q, limit, offset);
      return c.json({ items: rows.map(userView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/users/{id}',
      tags: ['users'],
      summary: 'A user, with the live balance',
      request: { params: IdParam },
      responses: { 200: json(UserView), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const me = currentUser(c);
      if (me.role !== 'admin' && me.id !== id) throw notFound('user');
      return c.json(await loadUserView(c, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/users/{id}',
      tags: ['users'],
      summary: 'Change group, status or password (admin)',
      request: { params: IdParam, ...jsonBody(PatchUser) },
      responses: { 200: json(UserView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const db = dbOf(c.env.DB);
      if (!(await userExists(db, id))) throw notFound('user');
      const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
      await updateUser(db, id, { group: body.group, status: body.status, passwordHash }, Date.now());
      const said = [
        body.group !== undefined ? `group ${body.group}` : '',
        body.status !== undefined ? `status ${body.status}` : '',
        passwordHash ? 'password set' : '',
      ];
      await audit(c, { action: 'user.update', target: `user:${id}`, summary: said.filter(Boolean).join('; ') });
      if (body.status !== undefined) await accountOf(c.env, id).setUserStatus(body.status);
      if (body.group !== undefined || body.status !== undefined) await forgetTokens(c.env, await keyHashesOf(db, id));
      return c.json(await loadUserView(c, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/users/{id}/quota',
      tags: ['users'],
      summary:
        'Adjust a balance (admin); one ledger row. A repeat with the same Idempotency-Key within 24 h changes nothing and answers as the first did',
      request: {
        params: IdParam,
        headers: z.object({ 'idempotency-key': z.string().max(200).optional() }),
        ...jsonBody(QuotaBody),
      },
      responses: { 200: json(UserView), ...errors },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      const { id } = c.req.valid('param');
      const { delta, note } = c.req.valid('json');
      if (!(await userExists(dbOf(c.env.DB), id))) throw notFound('user');
      const idempotencyKey = c.req.valid('header')['idempotency-key'];
      const result = await accountOf(c.env, id).credit({
        delta,
        reason: 'adjust',
        note: note ?? `by admin ${admin.id}`,
        ...(idempotencyKey ? { idempotencyKey: `adjust:${idempotencyKey}`, keyTtlMs: IDEMPOTENCY_TTL_MS } : {}),
      });
      if (!result.ok) throw new ApiError(400, 'invalid_request', `delta: ${result.error}`);
      if (!result.replayed)
        await audit(c, {
          action: 'user.quota',
          target: `user:${id}`,
          summary: `delta ${delta}, balance ${result.quota}${note ? `; note: ${note}` : ''}`,
        });
      // A repeat answers as the first did: the balance that credit left.
      const view = await loadUserView(c, id);
      return c.json({ ...view, quota: result.quota, used_quota: result.usedQuota }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/users/{id}/ledger',
      tags: ['users'],
      summary: 'Balance changes of a user, newest first; one row for every change, so the deltas add up to the balance',
      request: { params: IdParam, query: z.object({ limit: Limit(500, 100), cursor: Cursor }) },
      responses: { 200: json(pageOf(LedgerItem)), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const me = currentUser(c);
      if (me.role !== 'admin' && me.id !== id) throw notFound('user');
      const { limit, cursor } = c.req.valid('query');
      const rows = await ledgerPage(dbOf(c.env.DB), id, limit + 1, cursor ?? null);
      const page = rows.slice(0, limit);
      const items = page.map((r) => ({
        id: r.id,
        created_at: isoOf(r.createdAt),
        delta: r.delta,
        balance_after: r.balanceAfter,
        reason: r.reason,
        note: r.note,
        request_id: r.requestId,
        order_no: r.orderNo,
      }));
      return c.json({ items, next_cursor: rows.length > limit ? String(page[page.length - 1].id) : null }, 200);
    },
  );
