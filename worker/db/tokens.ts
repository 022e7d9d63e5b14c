/** API keys: stored as SHA-256 with a visible prefix and suffix, never in clear. */
import { and, desc, eq, inArray, isNotNull, lte, ne, sql } from 'drizzle-orm';
import type { Db } from './client';
import { tokens, users } from './schema';

export type TokenRow = typeof tokens.$inferSelect;
export type NewToken = Omit<typeof tokens.$inferInsert, 'id'>;
/** The columns a key's owner or an admin may change. */
export type TokenChange = Partial<
  Pick<
    TokenRow,
    | 'name'
    | 'status'
    | 'disabledBy'
    | 'remainQuota'
    | 'expiresAt'
    | 'models'
    | 'allowIps'
    | 'rpmLimit'
    | 'tpmLimit'
    | 'maxConcurrency'
    | 'planOnly'
    | 'group'
  >
>;

export async function insertToken(db: Db, t: NewToken): Promise<TokenRow> {
  const [row] = await db.insert(tokens).values(t).returning();
  return row;
}

export async function tokenById(db: Db, id: number): Promise<TokenRow | null> {
  const [row] = await db.select().from(tokens).where(eq(tokens.id, id));
  return row ?? null;
}

/** A user's keys (or every key, for null), newest first. */
export async function tokensOf(db: Db, userId: number | null, limit = 1000): Promise<TokenRow[]> {
  return db
    .select()
    .from(tokens)
    .where(userId === null ? undefined : eq(tokens.userId, userId))
    .orderBy(desc(tokens.id))
    .limit(limit);
}

export async function updateToken(db: Db, id: number, change: TokenChange, now: number): Promise<TokenRow> {
  const [row] = await db
    .update(tokens)
    .set({ ...change, updatedAt: now })
    .where(eq(tokens.id, id))
    .returning();
  return row;
}

/**
 * Disables the key only if it has not changed since `version` (its updated_at then); the new
 * updated_at is later than `version`, so the same condition never holds twice.
 */
export async function disableTokenIfUnchanged(
  db: Db,
  id: number,
  version: number,
  disabledBy: 'user' | 'admin',
  now: number,
): Promise<TokenRow | null> {
  const [row] = await db
    .update(tokens)
    .set({ status: 'disabled', disabledBy, updatedAt: Math.max(now, version + 1) })
    .where(and(eq(tokens.id, id), eq(tokens.updatedAt, version), ne(tokens.status, 'disabled')))
    .returning();
  return row ?? null;
}

/** Gives the token a new key: the old one no longer matches anything. */
export async function rotateTokenKey(
  db: Db,
  id: number,
  key: Pick<TokenRow, 'keyHash' | 'keyPrefix' | 'keySuffix'>,
  now: number,
): Promise<TokenRow> {
  const [row] = await db
    .update(tokens)
    .set({ ...key, updatedAt: now })
    .where(eq(tokens.id, id))
    .returning();
  return row;
}

export async function deleteToken(db: Db, id: number): Promise<void> {
  await db.delete(tokens).where(eq(tokens.id, id));
}

/** Marks up to `limit` enabled keys past their expiry as expired; answers them. */
export async function expireDueTokens(
  db: Db,
  now: number,
  limit: number,
): Promise<Pick<TokenRow, 'id' | 'userId' | 'keyHash' | 'expiresAt'>[]> {
  const due = db
    .select({ id: tokens.id })
    .from(tokens)
    .where(and(eq(tokens.status, 'enabled'), isNotNull(tokens.expiresAt), lte(tokens.expiresAt, now)))
    .limit(limit);
  return db
    .update(tokens)
    .set({ status: 'expired', updatedAt: now })
    .where(inArray(tokens.id, due))
    .returning({ id: tokens.id, userId: tokens.userId, keyHash: tokens.keyHash, expiresAt: tokens.expiresAt });
}

/** What the hot path keeps of a key (in isolate memory and KV): the token with its owner's status and group. */
export async function tokenRecordByHash(db: Db, keyHash: string) {
  const [row] = await db
    .select({
      id: tokens.id,
      userId: tokens.userId,
      keyHash: tokens.keyHash,
      status: tokens.status,
      userStatus: users.status,
      expiresAt: tokens.expiresAt,
      models: tokens.models,
      allowIps: tokens.allowIps,
      rpmLimit: tokens.rpmLimit,
      tpmLimit: tokens.tpmLimit,
      maxConcurrency: tokens.maxConcurrency,
      planOnly: tokens.planOnly,
      group: sql<string>`COALESCE(${tokens.group}, ${users.group})`,
    })
    .from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .where(eq(tokens.keyHash, keyHash));
  return row ?? null;
}
