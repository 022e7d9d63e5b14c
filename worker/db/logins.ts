/** Login throttling, the IPs users log in from, and sessions ended before their expiry. */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { loginFailures, loginIps, revokedSessions, users } from './schema';

/**
 * Counts an attempt against each key in one D1 batch (a transaction) and answers each key's count
 * in the window, this attempt included. Counting before the password is checked is what keeps
 * parallel guesses from racing past the limit.
 */
export async function countAttempts(
  db: Db,
  keys: string[],
  now: number,
  windowMs: number,
): Promise<{ key: string; attempts: number; firstAt: number }[]> {
  const expired = sql`${now} - ${loginFailures.firstAt} > ${windowMs}`;
  const statements = keys.map((key) =>
    db
      .insert(loginFailures)
      .values({ key, failures: 1, firstAt: now, lockedUntil: null })
      .onConflictDoUpdate({
        target: loginFailures.key,
        set: {
          failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginFailures.failures} + 1 END`,
          firstAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginFailures.firstAt} END`,
        },
      })
      .returning({ key: loginFailures.key, attempts: loginFailures.failures, firstAt: loginFailures.firstAt }),
  );
  if (statements.length === 0) return [];
  const [first, ...rest] = statements;
  const results = await db.batch([first, ...rest]);
  return results.flat();
}

/** A successful login takes its own attempt back, and clears the keys that name the user. */
export async function forgiveAttempt(db: Db, ipKey: string, userKeys: string[]): Promise<void> {
  await db.batch([
    db
      .update(loginFailures)
      .set({ failures: sql`MAX(0, ${loginFailures.failures} - 1)` })
      .where(eq(loginFailures.key, ipKey)),
    db.delete(loginFailures).where(inArray(loginFailures.key, userKeys)),
  ]);
}

export async function userForLogin(db: Db, username: string) {
  const [row] = await db
    .select({
      id: users.id,
      passwordHash: users.passwordHash,
      role: users.role,
      status: users.status,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.username, username));
  return row ?? null;
}

/** Whether this user has logged in from this IP before. */
export async function isKnownLoginIp(db: Db, username: string, ip: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(loginIps)
    .innerJoin(users, eq(users.id, loginIps.userId))
    .where(and(eq(users.username, username), eq(loginIps.ip, ip)));
  return row !== undefined;
}

export async function rememberLoginIp(db: Db, userId: number, ip: string, now: number): Promise<void> {
  await db
    .insert(loginIps)
    .values({ userId, ip, lastAt: now })
    .onConflictDoUpdate({ target: [loginIps.userId, loginIps.ip], set: { lastAt: now } });
}

export async function revokeSession(db: Db, sid: string, expiresAt: number): Promise<void> {
  await db.insert(revokedSessions).values({ sid, expiresAt }).onConflictDoNothing();
}

/** Deletes old bookkeeping: attempt windows long past, sessions that would have expired anyway. Answers the rows deleted. */
export async function pruneLogins(db: Db, now: number, keepFailuresMs: number): Promise<number> {
  const [failures, sessions] = await db.batch([
    db.delete(loginFailures).where(lt(loginFailures.firstAt, now - keepFailuresMs)),
    db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, now)),
  ]);
  return (failures.meta.changes ?? 0) + (sessions.meta.changes ?? 0);
}

/** What a session check needs of its user, and whether the session itself was ended. */
export async function sessionUser(db: Db, userId: number, sid: string | null) {
  const revoked =
    sid === null
      ? sql<number>`0`
      : sql<number>`EXISTS (SELECT 1 FROM ${revokedSessions} WHERE ${revokedSessions.sid} = ${sid})`;
  const [row] = await db
    .select({
      role: users.role,
      status: users.status,
      username: users.username,
      passwordChangedAt: users.passwordChangedAt,
      sessionVersion: users.sessionVersion,
      revoked,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** The version a new session of the user carries. */
export async function sessionVersionOf(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, userId));
  return row?.v ?? 0;
}
