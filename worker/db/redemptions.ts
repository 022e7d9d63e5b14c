/** Redemption codes: stored hashed; claimed atomically, once. */
import { and, desc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './client';
import { redemptionCodes } from './schema';

export type CodeRow = typeof redemptionCodes.$inferSelect;
export type NewCode = Omit<typeof redemptionCodes.$inferInsert, 'id'>;

/** Inserts a batch in chunks a D1 statement takes (its bound-parameter limit), in one transaction. */
export async function insertCodes(db: Db, codes: NewCode[]): Promise<void> {
  const chunks: NewCode[][] = [];
  for (let i = 0; i < codes.length; i += 10) chunks.push(codes.slice(i, i + 10));
  const statements = chunks.map((chunk) => db.insert(redemptionCodes).values(chunk));
  if (statements.length === 0) return;
  const [first, ...rest] = statements;
  await db.batch([first, ...rest]);
}

export async function codesPage(
  db: Db,
  cursor: number | undefined,
  limit: number,
): Promise<{ items: CodeRow[]; next: number | null }> {
  const rows = await db
    .select()
    .from(redemptionCodes)
    .where(cursor === undefined ? undefined : lt(redemptionCodes.id, cursor))
    .orderBy(desc(redemptionCodes.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1].id : null };
}

export async function codeByHash(db: Db, codeHash: string): Promise<CodeRow | null> {
  const [row] = await db.select().from(redemptionCodes).where(eq(redemptionCodes.codeHash, codeHash));
  return row ?? null;
}

/**
 * Claims an unused, unexpired code for a user in one statement: under any concurrency one
 * caller wins; the others find it used. Answers the claimed row, or null.
 */
export async function claimCode(db: Db, codeHash: string, userId: number, now: number): Promise<CodeRow | null> {
  const [row] = await db
    .update(redemptionCodes)
    .set({ usedBy: userId, usedAt: now })
    .where(
      and(
        eq(redemptionCodes.codeHash, codeHash),
        isNull(redemptionCodes.usedBy),
        or(isNull(redemptionCodes.expiresAt), gt(redemptionCodes.expiresAt, now)),
      ),
    )
    .returning();
  return row ?? null;
}
