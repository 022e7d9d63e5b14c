/** Operator-visible events: circuit changes, auto-disables, reconciliation findings, notices. */
import { desc, eq, lt } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { events } from './schema';

export type EventRow = typeof events.$inferSelect;

/** An event, as a statement to put in a batch. */
export function recordEvent(
  db: Db,
  kind: string,
  subject: string,
  message: string,
  details: unknown,
  now = Date.now(),
): Statement {
  return db.insert(events).values({ createdAt: now, kind, subject, message, details: details ?? null });
}

export async function eventsPage(db: Db, subject: string | undefined, limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(subject ? eq(events.subject, subject) : undefined)
    .orderBy(desc(events.id))
    .limit(limit);
}

export const pruneEvents = (db: Db, before: number): Statement => db.delete(events).where(lt(events.createdAt, before));
