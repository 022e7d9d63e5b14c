/** The record of each model's effective price before and after a change (mails and the public pricing page). */
import { desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { priceChanges } from './schema';

export type PriceChangeRow = typeof priceChanges.$inferSelect;
export type NewPriceChange = Omit<PriceChangeRow, 'id'>;

export async function insertPriceChanges(db: Db, rows: NewPriceChange[]): Promise<void> {
  // D1 takes at most 100 bound values a statement: 5 columns, so 20 rows at a time.
  for (let i = 0; i < rows.length; i += 20) await db.insert(priceChanges).values(rows.slice(i, i + 20));
}

export async function priceChangesOfBatch(db: Db, batch: string): Promise<PriceChangeRow[]> {
  return db.select().from(priceChanges).where(eq(priceChanges.batch, batch)).orderBy(priceChanges.model);
}

export async function recentPriceChanges(db: Db, limit: number): Promise<PriceChangeRow[]> {
  return db.select().from(priceChanges).orderBy(desc(priceChanges.id)).limit(limit);
}
