/** The audit log of admin changes (worker/security/audit.ts writes it). */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { auditLog } from './schema';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = Omit<AuditRow, 'id'>;

export function insertAudit(db: Db, row: NewAuditRow): Statement {
  return db.insert(auditLog).values(row);
}

export interface AuditQuery {
  cursor?: number;
  actorId?: number;
  action?: string;
  limit: number;
}

/** One page, newest first; `next` is the cursor of the page after it. */
export async function auditPage(db: Db, q: AuditQuery): Promise<{ items: AuditRow[]; next: number | null }> {
  const where: SQL[] = [];
  if (q.cursor !== undefined) where.push(lt(auditLog.id, q.cursor));
  if (q.actorId !== undefined) where.push(eq(auditLog.actorId, q.actorId));
  if (q.action !== undefined) where.push(eq(auditLog.action, q.action));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items, next: rows.length > q.limit ? items[items.length - 1].id : null };
}
