/** Top-up orders and what they add up to. */
import { and, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { orders } from './schema';

export type OrderRow = typeof orders.$inferSelect;
export type NewOrder = Omit<typeof orders.$inferInsert, 'id'>;

export async function insertOrder(db: Db, o: NewOrder): Promise<OrderRow> {
  const [row] = await db.insert(orders).values(o).returning();
  return row;
}

export async function orderByNo(db: Db, orderNo: string): Promise<OrderRow | null> {
  const [row] = await db.select().from(orders).where(eq(orders.orderNo, orderNo));
  return row ?? null;
}

export interface OrderFilter {
  userId: number | null;
  orderNo?: string;
  status?: OrderRow['status'];
  cursor?: number;
  limit: number;
}

export async function ordersPage(db: Db, f: OrderFilter): Promise<{ items: OrderRow[]; next: number | null }> {
  const where: (SQL | undefined)[] = [
    f.userId === null ? undefined : eq(orders.userId, f.userId),
    f.orderNo === undefined ? undefined : eq(orders.orderNo, f.orderNo),
    f.status === undefined ? undefined : eq(orders.status, f.status),
    f.cursor === undefined ? undefined : lt(orders.id, f.cursor),
  ];
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  return { items, next: rows.length > f.limit ? items[items.length - 1].id : null };
}

/** The way to pay; for Stripe, the Checkout Session (kept as the order's session and, until paid, its reference). */
export async function setPayUrl(
  db: Db,
  orderNo: string,
  payUrl: string,
  stripeSessionId: string | null,
  now: number,
): Promise<OrderRow> {
  const [row] = await db
    .update(orders)
    .set({ payUrl, providerRef: stripeSessionId, stripeSessionId, updatedAt: now })
    .where(eq(orders.orderNo, orderNo))
    .returning();
  return row;
}

/** The PaymentIntent that paid the order's session: refunds and disputes name it. */
export async function setPaymentIntent(db: Db, orderNo: string, paymentIntent: string, now: number): Promise<void> {
  await db
    .update(orders)
    .set({ stripePaymentIntent: paymentIntent, updatedAt: now })
    .where(eq(orders.orderNo, orderNo));
}

export async function orderByPaymentIntent(db: Db, paymentIntent: string): Promise<OrderRow | null> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.stripePaymentIntent, paymentIntent), eq(orders.method, 'stripe')));
  return row ?? null;
}

export interface Completion {
  completedBy: 'provider' | 'manual';
  completedByUser: number | null;
  providerRef: string | null;
  note: string | null;
}

/** Marks an order paid, unless it already is; answers the row as it now stands. */
export async function markPaid(db: Db, orderNo: string, c: Completion, now: number): Promise<OrderRow | null> {
  await db
    .update(orders)
    .set({
      status: 'paid',
      paidAt: now,
      updatedAt: now,
      completedBy: c.completedBy,
      completedByUser: c.completedByUser,
      note: c.note,
      providerRef: sql`COALESCE(${c.providerRef}, ${orders.providerRef})`,
    })
    .where(and(eq(orders.orderNo, orderNo), ne(orders.status, 'paid')));
  return orderByNo(db, orderNo);
}

export async function markFailed(db: Db, orderNo: string, note: string, now: number): Promise<void> {
  await db
    .update(orders)
    .set({ status: 'failed', note, updatedAt: now })
    .where(and(eq(orders.orderNo, orderNo), eq(orders.status, 'pending')));
}

/** Expires up to `limit` orders still pending since before `cutoff`; answers how many. */
export async function expirePending(db: Db, cutoff: number, limit: number, now: number): Promise<number> {
  const due = db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, 'pending'), lt(orders.createdAt, cutoff)))
    .limit(limit);
  const rows = await db
    .update(orders)
    .set({ status: 'expired', updatedAt: now })
    .where(inArray(orders.id, due))
    .returning({ id: orders.id });
  return rows.length;
}

/** Every paid order's amount of a user, in its currency (summed exactly by the caller). */
export async function paidAmounts(db: Db, userId: number): Promise<{ amount: string; currency: string }[]> {
  return db
    .select({ amount: orders.amount, currency: orders.currency })
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.status, 'paid')));
}
