/** The operator's plans, and the mirror of the subscriptions the account objects start. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { orders, plans, subscriptions } from './schema';

export type PlanRow = typeof plans.$inferSelect;
export type NewPlan = Omit<typeof plans.$inferInsert, 'id'>;
export type SubscriptionRow = typeof subscriptions.$inferSelect;

export async function insertPlan(db: Db, p: NewPlan): Promise<PlanRow> {
  const [row] = await db.insert(plans).values(p).returning();
  return row;
}

export async function planById(db: Db, id: number): Promise<PlanRow | null> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id));
  return row ?? null;
}

export async function updatePlan(db: Db, id: number, change: Partial<NewPlan>): Promise<PlanRow | null> {
  const [row] = await db.update(plans).set(change).where(eq(plans.id, id)).returning();
  return row ?? null;
}

export async function plansOnSale(db: Db): Promise<PlanRow[]> {
  return db.select().from(plans).where(eq(plans.onSale, true)).orderBy(plans.id);
}

export async function recordSubscription(db: Db, s: SubscriptionRow): Promise<void> {
  await db.insert(subscriptions).values(s).onConflictDoNothing();
}

export async function subscriptionsOf(db: Db, userId: number): Promise<SubscriptionRow[]> {
  return db.select().from(subscriptions).where(eq(subscriptions.userId, userId)).orderBy(desc(subscriptions.startedAt));
}

export interface Revenue {
  /** Paid top-up orders: money taken (in the order currency) and units credited. */
  topups: { amount: number; units: number };
  /** Plans: money taken by paid plan orders, and units spent on plans from balances. */
  plans: { amount: number; units: number; count: number };
  codes: { units: number };
}

/** Revenue by source for the operator: paid top-up orders, plans (paid orders; bought from balances), codes redeemed. */
export async function revenueBySource(db: Db): Promise<Revenue> {
  const [topups] = await db
    .select({
      amount: sql<number>`COALESCE(SUM(CAST(${orders.payAmount} AS REAL)), 0)`,
      units: sql<number>`COALESCE(SUM(${orders.credit}), 0)`,
    })
    .from(orders)
    .where(and(eq(orders.status, 'paid'), eq(orders.kind, 'topup')));
  const [sold] = await db
    .select({
      amount: sql<number>`COALESCE(SUM(CASE WHEN ${subscriptions.method} = 'balance' THEN 0 ELSE CAST(${subscriptions.price} AS REAL) END), 0)`,
      units: sql<number>`COALESCE(SUM(${subscriptions.units}), 0)`,
      count: sql<number>`COUNT(*)`,
    })
    .from(subscriptions);
  const codes = await db.get<{ units: number }>(
    sql`SELECT COALESCE(SUM(delta), 0) AS units FROM ledger WHERE reason = 'redeem'`,
  );
  return {
    topups: topups ?? { amount: 0, units: 0 },
    plans: sold ?? { amount: 0, units: 0, count: 0 },
    codes: { units: codes?.units ?? 0 },
  };
}
