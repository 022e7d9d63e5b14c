/** Model prices, groups (ratio and default limits), and the record of every change. */
import { asc, desc, eq } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { groups, modelPrices, pricingHistory, users } from './schema';

export type ModelPriceRow = typeof modelPrices.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type PriceFields = Partial<
  Pick<
    ModelPriceRow,
    | 'modelRatio'
    | 'completionRatio'
    | 'cacheRatio'
    | 'cacheWriteRatio'
    | 'cacheWrite1hRatio'
    | 'tiers'
    | 'pinned'
    | 'pricePerCall'
    | 'maxOutputTokens'
  >
>;
export type GroupFields = Pick<GroupRow, 'ratio'> & Partial<Pick<GroupRow, 'rpmLimit' | 'tpmLimit'>>;

export async function allPrices(db: Db): Promise<{ models: ModelPriceRow[]; groups: GroupRow[] }> {
  const [models, groupRows] = await db.batch([
    db.select().from(modelPrices).orderBy(asc(modelPrices.model)),
    db.select().from(groups).orderBy(asc(groups.name)),
  ]);
  return { models, groups: groupRows };
}

/** Sets the named fields of a model's price, creating its row if need be; others stay as they were. */
export function upsertModelPrice(db: Db, model: string, fields: PriceFields, now: number): Statement {
  return db
    .insert(modelPrices)
    .values({ model, ...fields, updatedAt: now })
    .onConflictDoUpdate({ target: modelPrices.model, set: { ...fields, updatedAt: now } });
}

export const deleteModelPrice = (db: Db, model: string): Statement =>
  db.delete(modelPrices).where(eq(modelPrices.model, model));

export function upsertGroup(db: Db, name: string, fields: GroupFields, now: number): Statement {
  return db
    .insert(groups)
    .values({ name, ...fields, updatedAt: now })
    .onConflictDoUpdate({ target: groups.name, set: { ...fields, updatedAt: now } });
}

export const deleteGroup = (db: Db, name: string): Statement => db.delete(groups).where(eq(groups.name, name));

export const recordPricingChange = (
  db: Db,
  changedBy: number | null,
  change: unknown,
  now: number,
  source: 'admin' | 'sync',
): Statement => db.insert(pricingHistory).values({ changedAt: now, changedBy, change, source });

export interface PricingChange {
  id: number;
  changedAt: number;
  changedBy: number | null;
  username: string | null;
  source: 'admin' | 'sync';
  change: unknown;
}

/** Past price changes, newest first, with who made them. */
export async function pricingChanges(db: Db, limit: number): Promise<PricingChange[]> {
  return db
    .select({
      id: pricingHistory.id,
      changedAt: pricingHistory.changedAt,
      changedBy: pricingHistory.changedBy,
      username: users.username,
      source: pricingHistory.source,
      change: pricingHistory.change,
    })
    .from(pricingHistory)
    .leftJoin(users, eq(users.id, pricingHistory.changedBy))
    .orderBy(desc(pricingHistory.id))
    .limit(limit);
}

export async function groupByName(db: Db, name: string): Promise<GroupRow | null> {
  const [row] = await db.select().from(groups).where(eq(groups.name, name));
  return row ?? null;
}
