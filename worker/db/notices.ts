/** Notices: one row per idempotency key, claimed by one consumer at a time, so none is sent twice. */
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { notices, type NOTICE_STATUSES } from './schema';

export type NoticeRow = typeof notices.$inferSelect;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];
export type NewNotice = Pick<
  NoticeRow,
  'key' | 'kind' | 'userId' | 'to' | 'subject' | 'text' | 'html' | 'unsubscribe' | 'payload'
>;

/** How long a claim holds before another consumer may take the notice over (a send ends well before). */
export const NOTICE_LEASE_MS = 60_000;

/**
 * Records a notice as queued; a second record of the same key changes nothing, except that it
 * fills in one the dead-letter queue recorded without its words (its `to` is empty).
 */
export async function recordNotice(db: Db, n: NewNotice, now: number): Promise<void> {
  const words = {
    to: n.to,
    subject: n.subject,
    text: n.text,
    html: n.html,
    unsubscribe: n.unsubscribe,
    updatedAt: now,
  };
  await db
    .insert(notices)
    .values({ ...n, status: 'queued', attempts: 0, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: notices.key, set: words, setWhere: sql`${notices.to} = ''` });
}

/**
 * Takes the notice for sending: only when it is queued or failed, or its last claim ran out. The
 * update is one statement, so two consumers holding the same message cannot both win.
 */
export async function claimNotice(db: Db, key: string, now: number): Promise<NoticeRow | null> {
  const claimable = or(
    inArray(notices.status, ['queued', 'failed']),
    and(eq(notices.status, 'sending'), lt(notices.leaseUntil, now)),
  );
  const [row] = await db
    .update(notices)
    .set({
      status: 'sending',
      attempts: sql`${notices.attempts} + 1`,
      leaseUntil: now + NOTICE_LEASE_MS,
      updatedAt: now,
    })
    .where(and(eq(notices.key, key), claimable))
    .returning();
  return row ?? null;
}

export async function finishNotice(
  db: Db,
  id: number,
  status: 'sent' | 'failed' | 'not_sent',
  error: string | null,
  now: number,
): Promise<void> {
  await db
    .update(notices)
    .set({ status, lastError: error, leaseUntil: null, updatedAt: now, ...(status === 'sent' ? { sentAt: now } : {}) })
    .where(eq(notices.id, id));
}

/** The dead-letter queue gave it up: marked dead, unless it was sent after all. Answers whether a row was there. */
export async function markDead(db: Db, key: string, now: number): Promise<boolean> {
  const rows = await db
    .update(notices)
    .set({ status: 'dead', leaseUntil: null, updatedAt: now })
    .where(and(eq(notices.key, key), inArray(notices.status, ['queued', 'sending', 'failed'])))
    .returning({ id: notices.id });
  if (rows.length > 0) return true;
  const [row] = await db.select({ id: notices.id }).from(notices).where(eq(notices.key, key));
  return row !== undefined;
}

/** Puts a notice back in the queue's hands (a re-send): answers it, or null if it is being sent now. */
export async function requeueNotice(db: Db, id: number, now: number): Promise<NoticeRow | null> {
  const [row] = await db
    .update(notices)
    .set({ status: 'queued', lastError: null, leaseUntil: null, updatedAt: now })
    .where(and(eq(notices.id, id), or(sql`${notices.status} <> 'sending'`, lt(notices.leaseUntil, now))))
    .returning();
  return row ?? null;
}

export async function noticeById(db: Db, id: number): Promise<NoticeRow | null> {
  const [row] = await db.select().from(notices).where(eq(notices.id, id));
  return row ?? null;
}

export async function noticeByKey(db: Db, key: string): Promise<NoticeRow | null> {
  const [row] = await db.select().from(notices).where(eq(notices.key, key));
  return row ?? null;
}

/** Newest first, optionally one status, before the id `cursor`. */
export async function noticesPage(
  db: Db,
  filter: { status?: NoticeStatus; cursor?: number; limit: number },
): Promise<NoticeRow[]> {
  const where = and(
    filter.status ? eq(notices.status, filter.status) : undefined,
    filter.cursor ? lt(notices.id, filter.cursor) : undefined,
  );
  return db.select().from(notices).where(where).orderBy(desc(notices.id)).limit(filter.limit);
}
