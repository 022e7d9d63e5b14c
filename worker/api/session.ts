import { SignJWT, jwtVerify } from 'jose';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from '../lib/errors';
import { settingsOf } from '../env';
import { randomAlphanumeric } from '../lib/crypto';
import { dbOf } from '../db/client';
import { sessionUser, sessionVersionOf } from '../db/logins';
import type { AppEnv } from '../app-types';
import type { SessionUser } from '../auth/session-user';
import { enforceAdminTotp } from '../security/admin-gate';

export const SESSION_COOKIE = 'relay_session';
export const SESSION_HOURS = 12;

export type { SessionUser } from '../auth/session-user';

const secretOf = (c: Context<AppEnv>) => new TextEncoder().encode(settingsOf(c.env).JWT_SECRET);

/**
 * Signs a session; its id (`jti`) lets a logout end it on the server, and `sv` (the user's session
 * version, read now) ends it when the password changes, whatever the second.
 */
export async function signSession(c: Context<AppEnv>, user: SessionUser, version?: number): Promise<string> {
  const sv = version ?? (await sessionVersionOf(dbOf(c.env.DB), user.id));
  return new SignJWT({ role: user.role, username: user.username, sv })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(user.id))
    .setJti(randomAlphanumeric(24))
    .setIssuedAt()
    .setExpirationTime(`${SESSION_HOURS}h`)
    .sign(secretOf(c));
}

export interface VerifiedSession extends SessionUser {
  issuedAt: number;
  expiresAt: number;
  sid: string | null;
  /** The session version it was issued under (0 for sessions from before versions). */
  version: number;
}

export async function verifySession(c: Context<AppEnv>, token: string): Promise<VerifiedSession | null> {
  try {
    const { payload } = await jwtVerify(token, secretOf(c), { algorithms: ['HS256'] });
    const id = Number(payload.sub);
    const role = payload.role;
    if (!Number.isInteger(id) || (role !== 'admin' && role !== 'user')) return null;
    const version = typeof payload.sv === 'number' ? payload.sv : 0;
    return {
      id,
      role,
      username: String(payload.username ?? ''),
      issuedAt: payload.iat ?? 0,
      expiresAt: (payload.exp ?? 0) * 1000,
      sid: payload.jti ?? null,
      version,
    };
  } catch {
    return null;
  }
}

/** The session token a request carries: a bearer JWT (not an sk- key), else the cookie. */
export function sessionTokenOf(c: Context<AppEnv>): string | undefined {
  return bearerOf(c) ?? getCookie(c, SESSION_COOKIE);
}

function bearerOf(c: Context<AppEnv>): string | undefined {
  const auth = c.req.header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) {
    const token = auth.slice(7).trim();
    if (!token.startsWith('sk-')) return token;
  }
  return undefined;
}

export const CSRF_HEADER = 'x-relay-csrf';

/**
 * Reads the session from the bearer JWT or the cookie; the user row must still be enabled.
 * A cookie-borne session may only change things when the request carries the CSRF header,
 * which a cross-site form cannot send and a cross-site script cannot add without CORS.
 */
export async function readSession(c: Context<AppEnv>): Promise<SessionUser | null> {
  const bearer = bearerOf(c);
  const token = bearer ?? getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const safeMethod = c.req.method === 'GET' || c.req.method === 'HEAD';
  if (!bearer && !safeMethod && c.req.header(CSRF_HEADER) !== '1') {
    throw new ApiError(403, 'forbidden', `a change made with the session cookie must carry the ${CSRF_HEADER} header`);
  }
  const session = await verifySession(c, token);
  if (!session) return null;
  const row = await sessionUser(dbOf(c.env.DB), session.id, session.sid);
  if (!row || row.status !== 'enabled' || row.revoked) return null;
  // A password change or reset raises the version: every session issued before it ends.
  if (session.version !== row.sessionVersion) return null;
  if (row.passwordChangedAt !== null && session.issuedAt < Math.floor(row.passwordChangedAt / 1000)) return null;
  return { id: session.id, role: row.role, username: row.username };
}

export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = await readSession(c);
  if (!session) throw new ApiError(401, 'unauthorized', 'a valid session is required: log in first');
  await enforceAdminTotp(c.env, session, c.req.path);
  c.set('session', session);
  await next();
};

/** For routers whose every route is for administrators: refused before the body is read. */
export const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAdmin(c);
  await next();
};

export function currentUser(c: Context<AppEnv>): SessionUser {
  const s = c.get('session');
  if (!s) throw new ApiError(401, 'unauthorized', 'a valid session is required: log in first');
  return s;
}

export function requireAdmin(c: Context<AppEnv>): SessionUser {
  const s = currentUser(c);
  if (s.role !== 'admin') throw new ApiError(403, 'forbidden', 'this call is for administrators');
  return s;
}

/** An admin may act for anyone; a user only for themselves. */
export function ownUserId(c: Context<AppEnv>, requested?: number | null): number {
  const s = currentUser(c);
  if (requested === undefined || requested === null) return s.id;
  if (s.role !== 'admin' && requested !== s.id)
    throw new ApiError(403, 'forbidden', 'you can only act on your own account');
  return requested;
}
