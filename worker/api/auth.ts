import { createRoute, z } from '@hono/zod-openapi';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { hashPassword, verifyPassword } from '../lib/crypto';
import { AnyObject, errors, json, jsonBody, router } from './openapi';
import { SESSION_COOKIE, SESSION_HOURS, currentUser, requireSession, signSession, type SessionUser } from './session';
import { loadUserView } from './users';

const SLOW_AFTER = 3;
const LOCK_AFTER = 8;
const WINDOW_MS = 15 * 60_000;

const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).openapi('Login');

async function failureCount(c: Context<AppEnv>, key: string): Promise<{ failures: number; lockedUntil: number | null }> {
  const row = await c.env.DB.prepare('SELECT failures, first_at, locked_until FROM login_failures WHERE key = ?')
    .bind(key)
    .first<{ failures: number; first_at: number; locked_until: number | null }>();
  if (!row || Date.now() - row.first_at > WINDOW_MS) return { failures: 0, lockedUntil: null };
  return { failures: row.failures, lockedUntil: row.locked_until };
}

async function noteFailure(c: Context<AppEnv>, keys: string[]): Promise<void> {
  const now = Date.now();
  await c.env.DB.batch(
    keys.map((key) =>
      c.env.DB.prepare(
        `INSERT INTO login_failures (key, failures, first_at, locked_until) VALUES (?1, 1, ?2, NULL)
         ON CONFLICT(key) DO UPDATE SET
           failures = CASE WHEN ?2 - first_at > ?3 THEN 1 ELSE failures + 1 END,
           first_at = CASE WHEN ?2 - first_at > ?3 THEN ?2 ELSE first_at END,
           locked_until = CASE WHEN ?2 - first_at <= ?3 AND failures + 1 >= ?4 THEN ?2 + ?3 ELSE locked_until END`,
      ).bind(key, now, WINDOW_MS, LOCK_AFTER),
    ),
  );
}

const secureCookie = (c: Context<AppEnv>) => new URL(c.req.url).protocol === 'https:';

/** Signs a session and sets it as the HttpOnly, SameSite=Strict cookie (Secure over HTTPS). */
async function startSession(c: Context<AppEnv>, user: SessionUser): Promise<string> {
  const token = await signSession(c, user);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: secureCookie(c), path: '/', maxAge: SESSION_HOURS * 3600 });
  return token;
}

export const authRoutes = router()
  .openapi(
    createRoute({
      method: 'post', path: '/api/auth/login', tags: ['auth'], summary: 'Log in; answers a JWT and sets the session cookie',
      request: jsonBody(LoginBody),
      responses: { 200: json(AnyObject), 400: errors[400], 401: errors[401], 429: json(AnyObject, 'Too many failed attempts') },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const ip = c.req.header('cf-connecting-ip') ?? 'unknown';
      const keys = [`user:${username.toLowerCase()}`, `ip:${ip}`];
      const counts = await Promise.all(keys.map((k) => failureCount(c, k)));
      const now = Date.now();
      const locked = counts.find((x) => x.lockedUntil !== null && x.lockedUntil > now);
      if (locked?.lockedUntil) {
        const retry = Math.ceil((locked.lockedUntil - now) / 1000);
        throw new ApiError(429, 'too_many_attempts', 'too many failed logins; try again later', { 'retry-after': String(retry) });
      }
      const worst = Math.max(...counts.map((x) => x.failures));
      if (worst >= SLOW_AFTER) await new Promise((r) => setTimeout(r, Math.min(2000, 250 * (worst - SLOW_AFTER + 1))));
      const row = await c.env.DB.prepare("SELECT id, password_hash, role, status FROM users WHERE username = ?")
        .bind(username)
        .first<{ id: number; password_hash: string; role: 'admin' | 'user'; status: string }>();
      // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
      const ok = row ? await verifyPassword(password, row.password_hash) : await verifyPassword(password, await dummyHash());
      if (!row || !ok || row.status !== 'enabled') {
        await noteFailure(c, keys);
        throw new ApiError(401, 'unauthorized', 'wrong username or password');
      }
      await c.env.DB.prepare('DELETE FROM login_failures WHERE key = ?').bind(keys[0]).run();
      const token = await startSession(c, { id: row.id, role: row.role, username });
      return c.json({ token, user: await loadUserView(c, row.id) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/api/auth/logout', tags: ['auth'], summary: 'Clear the session cookie', responses: { 204: { description: 'Logged out' } } }),
    (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(c), httpOnly: true, sameSite: 'Strict' });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/api/auth/me', tags: ['auth'], summary: 'The logged-in user', middleware: [requireSession] as const, responses: { 200: json(AnyObject), 401: errors[401] } }),
    async (c) => c.json(await loadUserView(c, currentUser(c).id), 200),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/api/auth/password', tags: ['auth'], summary: 'Change your own password', middleware: [requireSession] as const,
      request: jsonBody(z.object({ current_password: z.string().min(1), new_password: z.string().min(8).max(128) })),
      responses: { 200: json(AnyObject, 'Changed; other sessions end, and this one is renewed'), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const me = currentUser(c);
      const body = c.req.valid('json');
      const row = await c.env.DB.prepare('SELECT password_hash FROM users WHERE id = ?').bind(me.id).first<{ password_hash: string }>();
      if (!row || !(await verifyPassword(body.current_password, row.password_hash))) {
        throw new ApiError(400, 'invalid_request', 'current_password: does not match');
      }
      const now = Date.now();
      await c.env.DB.prepare('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?').bind(await hashPassword(body.new_password), now, now, me.id).run();
      return c.json({ token: await startSession(c, me) }, 200);
    },
  );

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword('not-a-real-password'));
