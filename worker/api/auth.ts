import { createRoute, z } from '@hono/zod-openapi';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { hashPassword, isBcryptHash, verifyPassword } from '../lib/crypto';
import { ErrorSchema, errors, json, jsonBody, router } from './openapi';
import { UserView } from './users';
import {
  SESSION_COOKIE,
  SESSION_HOURS,
  currentUser,
  requireSession,
  sessionTokenOf,
  signSession,
  verifySession,
  type SessionUser,
} from './session';
import { dbOf } from '../db/client';
import {
  countAttempts,
  forgiveAttempt,
  isKnownLoginIp,
  rememberLoginIp,
  revokeSession,
  userForLogin,
} from '../db/logins';
import { passwordHashOf, replacePasswordHash, updateUser } from '../db/users';
import { loadUserView } from './users';
import { requireVerifiedEmail } from './signup';
import { LoginSecurityFields, loginCaptcha, loginSecondFactor } from '../security/login';

/** Attempts in a window after which each further one is slowed down. */
const SLOW_AFTER = 3;
/** Attempts in a window past which the key is refused until the window ends. */
const LOCK_AFTER = 8;
const WINDOW_MS = 15 * 60_000;
/** Successful logins one IP may make in a minute: plenty for people behind one NAT, few for a script. */
const LOGINS_PER_IP_PER_MINUTE = 30;

const LoginAnswer = z
  .object({
    token: z.string().openapi({ description: 'A session JWT: send it as Authorization: Bearer' }),
    user: UserView,
  })
  .openapi('LoginAnswer');
const RenewedSession = z.object({ token: z.string() }).openapi('RenewedSession');

const LoginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256), ...LoginSecurityFields })
  .openapi('Login');

/**
 * The keys an attempt counts against: the caller's IP, the username from that IP, and the
 * username alone, except from an IP the user has logged in from before, so that guesses
 * spread over many addresses cannot lock the owner out of their usual one.
 */
async function attemptKeys(
  c: Context<AppEnv>,
  username: string,
  ip: string,
): Promise<{ ipKey: string; userKeys: string[] }> {
  const name = username.toLowerCase();
  const known = ip !== 'unknown' && (await isKnownLoginIp(dbOf(c.env.DB), username, ip));
  return { ipKey: `ip:${ip}`, userKeys: [`user-ip:${name}|${ip}`, ...(known ? [] : [`user:${name}`])] };
}

/** Counts a successful login against its IP; past the limit, 429 `rate_limit_exceeded` until the minute ends. */
async function throttleSuccessfulLogin(c: Context<AppEnv>, ip: string, now: number): Promise<void> {
  // Behind Cloudflare every request has an IP; without one (tests, odd proxies) there is nothing to key on.
  if (ip === 'unknown') return;
  const [count] = await countAttempts(dbOf(c.env.DB), [`login-ok-ip:${ip}`], now, 60_000);
  if (count && count.attempts > LOGINS_PER_IP_PER_MINUTE) {
    const retry = Math.max(1, Math.ceil((count.firstAt + 60_000 - now) / 1000));
    throw new ApiError(429, 'rate_limit_exceeded', 'too many logins from this address; try again later', {
      'retry-after': String(retry),
    });
  }
}

const secureCookie = (c: Context<AppEnv>) => new URL(c.req.url).protocol === 'https:';

/** Signs a session and sets it as the HttpOnly, SameSite=Strict cookie (Secure over HTTPS). */
async function startSession(c: Context<AppEnv>, user: SessionUser, version?: number): Promise<string> {
  const token = await signSession(c, user, version);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: secureCookie(c),
    path: '/',
    maxAge: SESSION_HOURS * 3600,
  });
  return token;
}

export const authRoutes = router()
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/login',
      tags: ['auth'],
      summary: 'Log in; answers a JWT and sets the session cookie',
      request: jsonBody(LoginBody),
      responses: {
        200: json(LoginAnswer),
        400: errors[400],
        401: errors[401],
        403: json(ErrorSchema, 'captcha_failed: a Turnstile token is needed or was refused'),
        429: json(ErrorSchema, 'Too many attempts, or too many logins from one IP; Retry-After says when to try again'),
      },
    }),
    async (c) => {
      const { username, password, ...extra } = c.req.valid('json');
      const ip = c.req.header('cf-connecting-ip') ?? 'unknown';
      const db = dbOf(c.env.DB);
      const now = Date.now();
      const { ipKey, userKeys } = await attemptKeys(c, username, ip);
      // Every attempt is counted before the password is checked: parallel guesses cannot race it.
      const counts = await countAttempts(db, [ipKey, ...userKeys], now, WINDOW_MS);
      const worst = counts.reduce((a, b) => (b.attempts > a.attempts ? b : a), { key: '', attempts: 0, firstAt: now });
      if (worst.attempts > LOCK_AFTER) {
        const retry = Math.max(1, Math.ceil((worst.firstAt + WINDOW_MS - now) / 1000));
        throw new ApiError(429, 'too_many_attempts', 'too many failed logins; try again later', {
          'retry-after': String(retry),
        });
      }
      await loginCaptcha(c, counts, ipKey, extra.turnstile_token);
      if (worst.attempts > SLOW_AFTER)
        await new Promise((r) => setTimeout(r, Math.min(2000, 250 * (worst.attempts - SLOW_AFTER))));
      const row = await userForLogin(db, username);
      // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
      const ok = row
        ? await verifyPassword(password, row.passwordHash)
        : await verifyPassword(password, await dummyHash());
      if (!row || !ok || row.status !== 'enabled')
        throw new ApiError(401, 'unauthorized', 'wrong username or password');
      await requireVerifiedEmail(db, row.id);
      await loginSecondFactor(c, row.id, extra.totp);
      await forgiveAttempt(db, ipKey, userKeys);
      await throttleSuccessfulLogin(c, ip, now);
      // A password imported from one-api / new-api (bcrypt) moves to the relay's own scheme once it has matched.
      if (isBcryptHash(row.passwordHash))
        await replacePasswordHash(db, row.id, row.passwordHash, await hashPassword(password), now);
      if (ip !== 'unknown') await rememberLoginIp(db, row.id, ip, now);
      // The version read with the password it matched: a change that lands meanwhile ends this session too.
      const token = await startSession(c, { id: row.id, role: row.role, username }, row.sessionVersion);
      return c.json({ token, user: await loadUserView(c, row.id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/logout',
      tags: ['auth'],
      summary: 'End the session (bearer token or cookie) on the server, and clear the cookie',
      responses: { 204: { description: 'Logged out' } },
    }),
    async (c) => {
      await endSession(c);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(c), httpOnly: true, sameSite: 'Strict' });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/me',
      tags: ['auth'],
      summary: 'The logged-in user',
      middleware: [requireSession] as const,
      responses: { 200: json(UserView), 401: errors[401] },
    }),
    async (c) => c.json(await loadUserView(c, currentUser(c).id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/password',
      tags: ['auth'],
      summary: 'Change your own password',
      middleware: [requireSession] as const,
      request: jsonBody(z.object({ current_password: z.string().min(1), new_password: z.string().min(8).max(128) })),
      responses: {
        200: json(RenewedSession, 'Changed; other sessions end, and this one is renewed'),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const me = currentUser(c);
      const body = c.req.valid('json');
      const db = dbOf(c.env.DB);
      const hash = await passwordHashOf(db, me.id);
      if (!hash || !(await verifyPassword(body.current_password, hash))) {
        throw new ApiError(400, 'invalid_request', 'current_password: does not match');
      }
      await updateUser(db, me.id, { passwordHash: await hashPassword(body.new_password) }, Date.now());
      return c.json({ token: await startSession(c, me) }, 200);
    },
  );

/** Ends the request's session on the server: its id is refused from now until it would have expired. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = sessionTokenOf(c);
  const session = token ? await verifySession(c, token) : null;
  if (session?.sid) await revokeSession(dbOf(c.env.DB), session.sid, session.expiresAt);
}

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword('not-a-real-password'));
