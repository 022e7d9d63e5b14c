/** Customers' mail settings and addresses (worker/mail). */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from './client';
import { livePending } from './addresses';
import { notifySettings, tokens, users } from './schema';

export type NotifyRow = typeof notifySettings.$inferSelect;
export type NotifyChange = Partial<
  Pick<NotifyRow, 'priceChanges' | 'priceModels' | 'newIp' | 'lowBalance' | 'lang' | 'currency'>
>;

export const DEFAULT_NOTIFY: Omit<NotifyRow, 'userId' | 'updatedAt'> = {
  priceChanges: false,
  priceModels: null,
  newIp: true,
  lowBalance: null,
  lang: 'en',
  currency: 'USD',
};

export { setEmail } from './addresses';

/** Who a notice goes to: the confirmed address, the one waiting for its link, and how to write to them. */
export interface MailTarget {
  userId: number;
  username: string;
  email: string | null;
  verified: boolean;
  /** Waiting for its link (null once expired); it receives only that link. */
  pendingEmail: string | null;
  signupUnverified: boolean;
  passwordChangedAt: number | null;
  settings: Omit<NotifyRow, 'userId' | 'updatedAt'>;
}

export async function mailTarget(db: Db, userId: number): Promise<MailTarget | null> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      email: users.email,
      verifiedAt: users.emailVerifiedAt,
      status: users.status,
      pwAt: users.passwordChangedAt,
      pending: users.pendingEmail,
      pendingAt: users.pendingEmailAt,
      signupUnverified: users.signupUnverified,
      s: notifySettings,
    })
    .from(users)
    .leftJoin(notifySettings, eq(notifySettings.userId, users.id))
    .where(eq(users.id, userId));
  if (!row || row.status !== 'enabled') return null;
  const { userId: _u, updatedAt: _t, ...settings } = row.s ?? { ...DEFAULT_NOTIFY, userId, updatedAt: 0 };
  return {
    userId,
    username: row.username,
    email: row.email,
    verified: row.email !== null && row.verifiedAt !== null,
    pendingEmail: livePending(row.pending, row.pendingAt),
    signupUnverified: row.signupUnverified,
    passwordChangedAt: row.pwAt,
    settings,
  };
}

export async function saveNotify(db: Db, userId: number, change: NotifyChange, now: number): Promise<void> {
  await db
    .insert(notifySettings)
    .values({ ...DEFAULT_NOTIFY, ...change, userId, updatedAt: now })
    .onConflictDoUpdate({ target: notifySettings.userId, set: { ...change, updatedAt: now } });
}

/** Customers with a verified address who follow price changes. */
export async function priceSubscribers(db: Db): Promise<{ userId: number; models: string[] | null }[]> {
  const rows = await db
    .select({ userId: notifySettings.userId, models: notifySettings.priceModels })
    .from(notifySettings)
    .innerJoin(users, eq(users.id, notifySettings.userId))
    .where(
      and(
        eq(notifySettings.priceChanges, true),
        isNotNull(users.email),
        isNotNull(users.emailVerifiedAt),
        eq(users.status, 'enabled'),
      ),
    );
  return rows;
}

export async function tokenLabel(
  db: Db,
  tokenId: number,
): Promise<{ name: string; masked: string; userId: number; version: number } | null> {
  const [row] = await db
    .select({
      name: tokens.name,
      prefix: tokens.keyPrefix,
      suffix: tokens.keySuffix,
      userId: tokens.userId,
      version: tokens.updatedAt,
    })
    .from(tokens)
    .where(eq(tokens.id, tokenId));
  return row
    ? { name: row.name, masked: `${row.prefix}...${row.suffix}`, userId: row.userId, version: row.version }
    : null;
}
