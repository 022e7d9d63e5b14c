/** Request logs: one row per request, newest first; folded into daily totals by retention. */
import { and, asc, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { logs, tokenIps, tokens, users } from './schema';

/** `fooBar` as `foo_bar`: the column names the rows are written with. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;
type LogInsert = Required<Omit<typeof logs.$inferInsert, 'id'>>;

/**
 * A request's log row as it is written (flush.ts), kept by the account object until then and
 * named by its columns: `typeof logs.$inferInsert` in snake_case, every field given.
 */
export type LogWrite = { [K in keyof LogInsert as SnakeCase<K & string>]: LogInsert[K] };

export interface LogFilter {
  /** null: every user (operators). */
  userId: number | null;
  tokenId?: number;
  model?: string;
  ip?: string;
  status?: number;
  /** Inclusive bounds, epoch milliseconds. */
  fromMs?: number;
  toMs?: number;
  /** Rows older than this id (the previous page's last). */
  cursor?: number;
  limit: number;
}

/** A log row as the API and the dashboard show it: with the key's and user's names, and whether the row is the key's first use of its IP. */
export type LogEntry = typeof logs.$inferSelect & {
  tokenName: string | null;
  username: string | null;
  ipFirstSeen: boolean;
};

function conditions(f: LogFilter): SQL | undefined {
  const parts: (SQL | undefined)[] = [
    f.userId === null ? undefined : eq(logs.userId, f.userId),
    f.tokenId === undefined ? undefined : eq(logs.tokenId, f.tokenId),
    f.model === undefined ? undefined : eq(logs.model, f.model),
    f.ip === undefined ? undefined : eq(logs.ip, f.ip),
    f.status === undefined ? undefined : eq(logs.status, f.status),
    f.fromMs === undefined ? undefined : gte(logs.createdAt, f.fromMs),
    f.toMs === undefined ? undefined : lte(logs.createdAt, f.toMs),
    f.cursor === undefined ? undefined : lt(logs.id, f.cursor),
  ];
  return and(...parts);
}

/** One page of logs, newest first, and the cursor of the next page (null at the end). */
export async function logsPage(db: Db, f: LogFilter): Promise<{ items: LogEntry[]; next: number | null }> {
  const rows = await db
    .select({
      log: logs,
      tokenName: tokens.name,
      username: users.username,
      ipFirstSeen: sql<number>`(${tokenIps.firstRequestId} IS NOT NULL AND ${tokenIps.firstRequestId} = ${logs.requestId})`,
    })
    .from(logs)
    .leftJoin(tokens, eq(tokens.id, logs.tokenId))
    .leftJoin(users, eq(users.id, logs.userId))
    .leftJoin(tokenIps, and(eq(tokenIps.tokenId, logs.tokenId), eq(tokenIps.ip, logs.ip)))
    .where(conditions(f))
    .orderBy(desc(logs.id))
    .limit(f.limit + 1);
  const items = rows
    .slice(0, f.limit)
    .map((r) => ({ ...r.log, tokenName: r.tokenName, username: r.username, ipFirstSeen: r.ipFirstSeen === 1 }));
  return { items, next: rows.length > f.limit ? items[items.length - 1].id : null };
}

/** Models in a user's (or everyone's) most recent logs, for filter suggestions. */
export async function recentModels(db: Db, userId: number | null): Promise<string[]> {
  const recent = db
    .select({ model: logs.model })
    .from(logs)
    .where(userId === null ? undefined : eq(logs.userId, userId))
    .orderBy(desc(logs.id))
    .limit(2000)
    .as('recent');
  const rows = await db.selectDistinct({ model: recent.model }).from(recent).orderBy(asc(recent.model));
  return rows.map((r) => r.model);
}

/** Up to `limit` ids of logs made before `cutoff`, oldest first. */
export async function oldLogIds(db: Db, cutoff: number, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: logs.id })
    .from(logs)
    .where(lt(logs.createdAt, cutoff))
    .orderBy(asc(logs.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Folds the log rows with ids in [first, last] made before `cutoff` into daily totals, and
 * deletes them, in one transaction: no row is ever both folded and kept. Raw SQL on purpose: an
 * INSERT ... SELECT ... GROUP BY with an upsert is more than drizzle's builder expresses, and
 * drizzle cannot put a raw statement in a batch, so both go to D1 directly.
 */
export async function foldLogs(db: Db, first: number, last: number, cutoff: number): Promise<void> {
  const d1 = db.$client;
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO usage_daily (day, user_id, token_id, model, channel_id, requests, prompt_tokens, completion_tokens, quota)
         SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), user_id, COALESCE(token_id, 0), model, COALESCE(channel_id, 0),
                COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(quota)
           FROM logs WHERE id BETWEEN ?1 AND ?2 AND created_at < ?3
          GROUP BY 1, 2, 3, 4, 5
         ON CONFLICT (day, user_id, token_id, model, channel_id) DO UPDATE SET
           requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
           completion_tokens = completion_tokens + excluded.completion_tokens, quota = quota + excluded.quota`,
      )
      .bind(first, last, cutoff),
    d1.prepare('DELETE FROM logs WHERE id BETWEEN ?1 AND ?2 AND created_at < ?3').bind(first, last, cutoff),
  ]);
}

export async function anyLogBefore(db: Db, cutoff: number): Promise<boolean> {
  const [row] = await db.select({ id: logs.id }).from(logs).where(lt(logs.createdAt, cutoff)).limit(1);
  return row !== undefined;
}
