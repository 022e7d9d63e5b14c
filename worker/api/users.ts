import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError, conflict, notFound } from '../lib/errors';
import { hashPassword } from '../lib/crypto';
import { accountOf } from '../account/stub';
import { forgetTokens } from '../db/snapshots';
import { dbOf } from '../db/client';
import { ledgerPage } from '../db/ledger';
import { AnyObject, IdParam, errors, json, jsonBody, router } from './openapi';
import { adminOnly, currentUser, requireAdmin, requireSession } from './session';

export interface UserRow {
  id: number;
  username: string;
  role: 'admin' | 'user';
  group: string;
  quota: number;
  used_quota: number;
  status: 'enabled' | 'disabled';
  created_at: number;
}

export type UserView = Omit<UserRow, 'created_at'> & { created_at: string };

const USER_COLUMNS = 'id, username, role, "group", quota, used_quota, status, created_at';

const toView = (r: UserRow): UserView => ({ ...r, created_at: new Date(r.created_at).toISOString() });

/** A user with the live balance from their account object. */
export async function loadUserView(c: Context<AppEnv>, id: number): Promise<UserView> {
  const row = await c.env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).bind(id).first<UserRow>();
  if (!row) throw notFound('user');
  const live = await accountOf(c.env, id).balance(id);
  return toView({ ...row, quota: live.quota, used_quota: live.usedQuota });
}

const Username = z.string().regex(/^[A-Za-z0-9_.@-]{3,64}$/, 'use 3-64 letters, digits or _ . @ -');
const Password = z.string().min(8, 'at least 8 characters').max(128);
const Group = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'use 1-32 letters, digits, _ or -');

const CreateUser = z.object({
  username: Username,
  password: Password,
  group: Group.default('default'),
  quota: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
  role: z.enum(['admin', 'user']).default('user'),
});

const PatchUser = z
  .object({ group: Group, status: z.enum(['enabled', 'disabled']), password: Password })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one of group, status, password' });

/** How long a quota change's Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

const QuotaBody = z.object({ delta: z.number().int().refine((n) => n !== 0, 'must not be zero'), note: z.string().max(500).optional() });

async function tokenHashesOf(c: Context<AppEnv>, userId: number): Promise<string[]> {
  const { results } = await c.env.DB.prepare('SELECT key_hash FROM tokens WHERE user_id = ?').bind(userId).all<{ key_hash: string }>();
  return results.map((r) => r.key_hash);
}

export const userRoutes = router();
userRoutes.use('/api/users', requireSession);
userRoutes.use('/api/users/*', requireSession);
userRoutes.on(['POST'], '/api/users', adminOnly);
userRoutes.on(['PATCH'], '/api/users/:id', adminOnly);
userRoutes.on(['POST'], '/api/users/:id/quota', adminOnly);

userRoutes
  .openapi(
    createRoute({ method: 'post', path: '/api/users', tags: ['users'], summary: 'Create a user (admin)', request: jsonBody(CreateUser), responses: { 201: json(AnyObject), ...errors, 409: errors[400] } }),
    async (c) => {
      const admin = requireAdmin(c);
      const body = c.req.valid('json');
      const now = Date.now();
      const db = c.env.DB;
      const taken = await db.prepare('SELECT id FROM users WHERE username = ?').bind(body.username).first();
      if (taken) throw conflict(`username: "${body.username}" is taken`);
      const statements = [
        db.prepare(`INSERT INTO users (username, password_hash, role, "group", quota, used_quota, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 'enabled', ?, ?)`)
          .bind(body.username, await hashPassword(body.password), body.role, body.group, body.quota, now, now),
      ];
      if (body.quota > 0) {
        statements.push(
          db.prepare(`INSERT INTO ledger (user_id, token_id, delta, balance_after, reason, note, request_id, created_at)
                      SELECT id, NULL, ?, ?, 'initial', ?, NULL, ? FROM users WHERE username = ?`)
            .bind(body.quota, body.quota, `initial quota by admin ${admin.id}`, now, body.username),
        );
      }
      try {
        await db.batch(statements);
      } catch (err) {
        if (String(err).includes('UNIQUE')) throw conflict(`username: "${body.username}" is taken`);
        throw err;
      }
      const row = await db.prepare('SELECT id FROM users WHERE username = ?').bind(body.username).first<{ id: number }>();
      return c.json(await loadUserView(c, row!.id), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/users', tags: ['users'], summary: 'List users (admin)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0), q: z.string().max(64).optional() }) },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { limit, offset, q } = c.req.valid('query');
      const { results } = await c.env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE (?1 IS NULL OR username LIKE ?1) ORDER BY id LIMIT ?2 OFFSET ?3`)
        .bind(q ? `%${q}%` : null, limit, offset)
        .all<UserRow>();
      return c.json({ items: results.map(toView) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/api/users/{id}', tags: ['users'], summary: 'A user, with the live balance', request: { params: IdParam }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const me = currentUser(c);
      if (me.role !== 'admin' && me.id !== id) throw notFound('user');
      return c.json(await loadUserView(c, id), 200);
    },
  )
  .openapi(
    createRoute({ method: 'patch', path: '/api/users/{id}', tags: ['users'], summary: 'Change group, status or password (admin)', request: { params: IdParam, ...jsonBody(PatchUser) }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const exists = await c.env.DB.prepare('SELECT id FROM users WHERE id = ?').bind(id).first();
      if (!exists) throw notFound('user');
      const sets: string[] = ['updated_at = ?'];
      const values: (string | number)[] = [Date.now()];
      if (body.group !== undefined) (sets.push('"group" = ?'), values.push(body.group));
      if (body.status !== undefined) (sets.push('status = ?'), values.push(body.status));
      if (body.password !== undefined) {
        sets.push('password_hash = ?', 'password_changed_at = ?');
        values.push(await hashPassword(body.password), Date.now());
      }
      await c.env.DB.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).bind(...values, id).run();
      if (body.status !== undefined) await accountOf(c.env, id).setUserStatus(id, body.status);
      if (body.group !== undefined || body.status !== undefined) await forgetTokens(c.env, await tokenHashesOf(c, id));
      return c.json(await loadUserView(c, id), 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/api/users/{id}/quota', tags: ['users'], summary: 'Top up or adjust a balance (admin); writes a ledger entry', request: { params: IdParam, ...jsonBody(QuotaBody) }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      const admin = requireAdmin(c);
      const { id } = c.req.valid('param');
      const { delta, note } = c.req.valid('json');
      const exists = await c.env.DB.prepare('SELECT id FROM users WHERE id = ?').bind(id).first();
      if (!exists) throw notFound('user');
      const idempotencyKey = c.req.header('idempotency-key')?.slice(0, 200);
      const result = await accountOf(c.env, id).credit(id, {
        delta, reason: 'adjust', note: note ?? `by admin ${admin.id}`,
        ...(idempotencyKey ? { idempotencyKey: `adjust:${idempotencyKey}`, keyTtlMs: IDEMPOTENCY_TTL_MS } : {}),
      });
      if (!result.ok) throw new ApiError(400, 'invalid_request', `delta: ${result.error}`);
      // A repeat answers as the first did: the balance that credit left.
      const view = await loadUserView(c, id);
      return c.json({ ...view, quota: result.quota, used_quota: result.usedQuota }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/users/{id}/ledger', tags: ['users'], summary: 'Balance changes of a user, newest first; one row for every change',
      request: {
        params: IdParam,
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.coerce.number().int().positive().optional() }),
      },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const me = currentUser(c);
      if (me.role !== 'admin' && me.id !== id) throw notFound('user');
      const { limit, cursor } = c.req.valid('query');
      const rows = await ledgerPage(dbOf(c.env.DB), id, limit + 1, cursor ?? null);
      const page = rows.slice(0, limit);
      const items = page.map((r) => ({
        id: r.id, created_at: new Date(r.createdAt).toISOString(), delta: r.delta, balance_after: r.balanceAfter, reason: r.reason,
        note: r.note, request_id: r.requestId, order_no: r.orderNo,
      }));
      return c.json({ items, next_cursor: rows.length > limit ? String(page[page.length - 1].id) : null }, 200);
    },
  );
