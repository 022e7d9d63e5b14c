/** Customers' mail settings and addresses (worker/mail). */
import { and, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { isUniqueViolation, type Db } from './client';
import { notifySettings, tokens, users } from './schema';

export type NotifyRow = typeof notifySettings.$inferSelect;
export type NotifyChange = Partial<Pick<NotifyRow, 'priceChanges' | 'priceModels' | 'newIp' | 'lowBalance' | 'lang' | 'currency'>>;

export const DEFAULT_NOTIFY: Omit<NotifyRow, 'userId' | 'updatedAt'> = { priceChanges: false, priceModels: null, newIp: true, lowBalance: null, lang: 'en', currency: 'USD' };

/** Who a notice goes to: the address (verified or set by its owner), and how to write to them. */
export interface MailTarget {
  userId: number;
  username: string;
  email: string | null;
  verified: boolean;
  passwordChangedAt: number | null;
  settings: Omit<NotifyRow, 'userId' | 'updatedAt'>;
}

export async function mailTarget(db: Db, userId: number): Promise<MailTarget | null> {
  const [row] = await db
    .select({ id: users.id, username: users.username, email: users.email, verifiedAt: users.emailVerifiedAt, status: users.status, pwAt: users.passwordChangedAt, s: notifySettings })
    .from(users)
    .leftJoin(notifySettings, eq(notifySettings.userId, users.id))
    .where(eq(users.id, userId));
  if (!row || row.status !== 'enabled') return null;
  const { userId: _u, updatedAt: _t, ...settings } = row.s ?? { ...DEFAULT_NOTIFY, userId, updatedAt: 0 };
  return { userId, username: row.username, email: row.email, verified: row.verifiedAt !== null, passwordChangedAt: row.pwAt, settings };
}

export async function saveNotify(db: Db, userId: number, change: NotifyChange, now: number): Promise<void> {
  await db
    .insert(notifySettings)
    .values({ ...DEFAULT_NOTIFY, ...change, userId, updatedAt: now })
    .onConflictDoUpdate({ target: notifySettings.userId, set: { ...change, updatedAt: now } });
}

/** Sets (or clears) a user's address, verified now. Answers false when another user has it. */
export async function setEmail(db: Db, userId: number, email: string | null, now: number): Promise<boolean> {
  try {
    await db.update(users).set({ email, emailVerifiedAt: email === null ? null : now, updatedAt: now }).where(eq(users.id, userId));
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function emailTaken(db: Db, email: string, exceptUserId: number | null): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(and(eq(users.email, email), exceptUserId === null ? undefined : ne(users.id, exceptUserId)));
  return row !== undefined;
}

/** Customers with a verified address who follow price changes. */
export async function priceSubscribers(db: Db): Promise<{ userId: number; models: string[] | null }[]> {
  const rows = await db
    .select({ userId: notifySettings.userId, models: notifySettings.priceModels })
    .from(notifySettings)
    .innerJoin(users, eq(users.id, notifySettings.userId))
    .where(and(eq(notifySettings.priceChanges, true), isNotNull(users.email), isNotNull(users.emailVerifiedAt), eq(users.status, 'enabled')));
  return rows;
}

export async function tokenLabel(db: Db, tokenId: number): Promise<{ name: string; masked: string; userId: number; version: number } | null> {
  const [row] = await db
    .select({ name: tokens.name, prefix: tokens.keyPrefix, suffix: tokens.keySuffix, userId: tokens.userId, version: tokens.updatedAt })
    .from(tokens)
    .where(eq(tokens.id, tokenId));
  return row ? { name: row.name, masked: `${row.prefix}...${row.suffix}`, userId: row.userId, version: row.version } : null;
}

/** The user whose verified address this is (password reset). */
export async function userByVerifiedEmail(db: Db, email: string): Promise<number | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(and(eq(users.email, email), isNotNull(users.emailVerifiedAt), eq(users.status, 'enabled')));
  return row?.id ?? null;
}

/** Marks the address verified if it is still the one the link was for; answers whether it changed now. */
export async function verifyEmail(db: Db, userId: number, email: string, now: number): Promise<'verified' | 'already' | 'mismatch'> {
  const rows = await db
    .update(users)
    .set({ emailVerifiedAt: now, updatedAt: now })
    .where(and(eq(users.id, userId), eq(users.email, email), sql`${users.emailVerifiedAt} IS NULL`))
    .returning({ id: users.id });
  if (rows.length > 0) return 'verified';
  const [row] = await db.select({ email: users.email, at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
  return row && row.email === email && row.at !== null ? 'already' : 'mismatch';
}

/** Whether the user signed up with an address they have not yet confirmed. */
export async function hasUnverifiedEmail(db: Db, userId: number): Promise<boolean> {
  const [row] = await db.select({ email: users.email, at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
  return !!row && row.email !== null && row.at === null;
}
