/** Users: accounts, roles, groups and the balance mirror the account objects write. */
import { and, asc, count, eq, like, sql } from 'drizzle-orm';
import { isUniqueViolation, type Db } from './client';
import { ledger, tokens, users } from './schema';

export type UserRecord = typeof users.$inferSelect;
/** What the API and the dashboard show of a user (never the password hash). */
export type UserSummary = Pick<
  UserRecord,
  | 'id'
  | 'username'
  | 'role'
  | 'group'
  | 'quota'
  | 'usedQuota'
  | 'status'
  | 'createdAt'
  | 'email'
  | 'pendingEmail'
  | 'pendingEmailAt'
>;

const summary = {
  id: users.id,
  username: users.username,
  role: users.role,
  group: users.group,
  quota: users.quota,
  usedQuota: users.usedQuota,
  status: users.status,
  createdAt: users.createdAt,
  email: users.email,
  pendingEmail: users.pendingEmail,
  pendingEmailAt: users.pendingEmailAt,
};

export async function userById(db: Db, id: number): Promise<UserSummary | null> {
  const [row] = await db.select(summary).from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function userIdByName(db: Db, username: string): Promise<number | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return row?.id ?? null;
}

export async function userExists(db: Db, id: number): Promise<boolean> {
  return (await userById(db, id)) !== null;
}

/** Users by id, optionally those whose name contains `q`. */
export async function usersPage(db: Db, q: string | undefined, limit: number, offset: number): Promise<UserSummary[]> {
  return db
    .select(summary)
    .from(users)
    .where(q ? like(users.username, `%${q}%`) : undefined)
    .orderBy(asc(users.id))
    .limit(limit)
    .offset(offset);
}

/** How many customers there are and what they hold together (the operator's overview). */
export async function customerBalances(db: Db): Promise<{ users: number; quota: number }> {
  const [row] = await db
    .select({ users: count(), quota: sql<number>`COALESCE(SUM(${users.quota}), 0)` })
    .from(users)
    .where(eq(users.role, 'user'));
  return row ?? { users: 0, quota: 0 };
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: 'admin' | 'user';
  group: string;
  quota: number;
  /** Why the opening balance is there, for its ledger row. */
  note: string;
}

/**
 * Creates a user and, for an opening balance, its `initial` ledger row, in one transaction.
 * Answers null when the name is taken.
 */
export async function createUser(db: Db, u: NewUser, now: number): Promise<number | null> {
  const insert = db
    .insert(users)
    .values({
      username: u.username,
      passwordHash: u.passwordHash,
      role: u.role,
      group: u.group,
      quota: u.quota,
      usedQuota: 0,
      status: 'enabled',
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: users.id });
  try {
    if (u.quota <= 0) return (await insert)[0].id;
    // In the same batch (one connection, one transaction) last_insert_rowid() is the new user.
    const opening = db.insert(ledger).values({
      userId: sql`last_insert_rowid()`,
      delta: u.quota,
      balanceAfter: u.quota,
      reason: 'initial',
      note: u.note,
      createdAt: now,
    });
    const [rows] = await db.batch([insert, opening]);
    return rows[0].id;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/** Creates the root admin if no user has its name (the first request does this). */
export async function ensureAdmin(db: Db, username: string, passwordHash: string, now: number): Promise<void> {
  await db
    .insert(users)
    .values({
      username,
      passwordHash,
      role: 'admin',
      group: 'default',
      quota: 0,
      usedQuota: 0,
      status: 'enabled',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
}

export interface UserChange {
  group?: string;
  status?: 'enabled' | 'disabled';
  /** A new password hash; every session issued before it ends (the session version goes up). */
  passwordHash?: string;
}

export async function updateUser(db: Db, id: number, change: UserChange, now: number): Promise<void> {
  await db
    .update(users)
    .set({
      updatedAt: now,
      ...(change.group !== undefined ? { group: change.group } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.passwordHash !== undefined
        ? {
            passwordHash: change.passwordHash,
            passwordChangedAt: now,
            sessionVersion: sql`${users.sessionVersion} + 1`,
          }
        : {}),
    })
    .where(eq(users.id, id));
}

export async function passwordHashOf(db: Db, id: number): Promise<string | null> {
  const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, id));
  return row?.hash ?? null;
}

export async function userGroup(db: Db, id: number): Promise<string | null> {
  const [row] = await db.select({ group: users.group }).from(users).where(eq(users.id, id));
  return row?.group ?? null;
}

/** The key hashes of a user's tokens (to drop them from the snapshots when the user changes). */
export async function keyHashesOf(db: Db, userId: number): Promise<string[]> {
  const rows = await db.select({ keyHash: tokens.keyHash }).from(tokens).where(eq(tokens.userId, userId));
  return rows.map((r) => r.keyHash);
}

/** User ids after `afterId`, in order (reconciliation walks them in chunks). */
export async function userIdsAfter(db: Db, afterId: number, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.id} > ${afterId}`)
    .orderBy(asc(users.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Replaces a password hash only while it is still `oldHash`; sessions are left alone (the password did not change). */
export async function replacePasswordHash(
  db: Db,
  id: number,
  oldHash: string,
  newHash: string,
  now: number,
): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: newHash, updatedAt: now })
    .where(and(eq(users.id, id), eq(users.passwordHash, oldHash)));
}
