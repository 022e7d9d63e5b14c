import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { ledger } from './schema';

export type LedgerEntry = typeof ledger.$inferInsert;
export type LedgerRow = typeof ledger.$inferSelect;
export type LedgerReason = LedgerRow['reason'];

/** A queued ledger row; a repeat of its uid (a flush run twice) is ignored. */
export const insertLedgerEntry = (db: Db, entry: LedgerEntry) => db.insert(ledger).values(entry).onConflictDoNothing();

/** A user's balance changes, newest first, from before `cursor` (an id). */
export async function ledgerPage(db: Db, userId: number, limit: number, cursor: number | null): Promise<LedgerRow[]> {
  return db
    .select()
    .from(ledger)
    .where(and(eq(ledger.userId, userId), cursor === null ? undefined : lt(ledger.id, cursor)))
    .orderBy(desc(ledger.id))
    .limit(limit);
}

/** The sum of a user's ledger deltas in D1. */
export async function ledgerSum(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ sum: sql<number>`COALESCE(SUM(${ledger.delta}), 0)` })
    .from(ledger)
    .where(eq(ledger.userId, userId));
  return row?.sum ?? 0;
}

/** Units a user was charged since `since` (their spending). */
export async function chargedSince(db: Db, userId: number, since: number): Promise<number> {
  const [row] = await db
    .select({ sum: sql<number>`COALESCE(-SUM(${ledger.delta}), 0)` })
    .from(ledger)
    .where(and(eq(ledger.userId, userId), eq(ledger.reason, 'charge'), gte(ledger.createdAt, since)));
  return row?.sum ?? 0;
}
