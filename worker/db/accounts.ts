/** What the account object reads from D1 when it first loads (the mirrors it writes back are in flush.ts). */
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { tokens, users } from './schema';

export async function balanceSeed(db: Db, userId: number) {
  const [row] = await db
    .select({ quota: users.quota, usedQuota: users.usedQuota, status: users.status })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

export async function tokenCapSeed(db: Db, tokenId: number) {
  const [row] = await db
    .select({ remainQuota: tokens.remainQuota, usedQuota: tokens.usedQuota })
    .from(tokens)
    .where(eq(tokens.id, tokenId));
  return row ?? null;
}

export async function tokenTruthSeed(db: Db, userId: number, tokenId: number) {
  const [row] = await db
    .select({ status: tokens.status, keyHash: tokens.keyHash, expiresAt: tokens.expiresAt })
    .from(tokens)
    .where(and(eq(tokens.id, tokenId), eq(tokens.userId, userId)));
  return row ?? null;
}
