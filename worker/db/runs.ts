/** Maintenance runs: one row per job run, with what it did. */
import { and, desc, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { maintenanceRuns } from './schema';

export type RunRow = typeof maintenanceRuns.$inferSelect;

export async function startRun(db: Db, job: string, trigger: string, now: number): Promise<number> {
  const [row] = await db
    .insert(maintenanceRuns)
    .values({ job, trigger, startedAt: now, rows: 0, outcome: 'running' })
    .returning({ id: maintenanceRuns.id });
  return row.id;
}

export async function finishRun(
  db: Db,
  id: number,
  r: Pick<RunRow, 'rows' | 'outcome' | 'error' | 'details'>,
  now: number,
): Promise<void> {
  await db
    .update(maintenanceRuns)
    .set({ ...r, finishedAt: now })
    .where(eq(maintenanceRuns.id, id));
}

export async function recentRuns(db: Db, limit: number): Promise<RunRow[]> {
  return db.select().from(maintenanceRuns).orderBy(desc(maintenanceRuns.id)).limit(limit);
}

export const pruneRuns = (db: Db, before: number): Statement =>
  db.delete(maintenanceRuns).where(and(lt(maintenanceRuns.startedAt, before), ne(maintenanceRuns.outcome, 'running')));

/** Lets SQLite refresh its query statistics (a pragma, so SQL). */
export async function optimizeDatabase(db: Db): Promise<void> {
  await db.run(sql`PRAGMA optimize`);
}
