/** Usage statistics over raw logs and the daily totals retention folds them into. */
import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { logs, usageDaily } from './schema';

const MINUTE = 60_000;

export interface StatsScope {
  /** null: every user. */
  userId: number | null;
  tokenId?: number | null;
  model?: string | null;
}

const logScope = (s: StatsScope): (SQL | undefined)[] => [
  s.userId === null ? undefined : eq(logs.userId, s.userId),
  s.tokenId === undefined || s.tokenId === null ? undefined : eq(logs.tokenId, s.tokenId),
  s.model === undefined || s.model === null ? undefined : eq(logs.model, s.model),
];

const dailyScope = (s: StatsScope): (SQL | undefined)[] => [
  s.userId === null ? undefined : eq(usageDaily.userId, s.userId),
  s.tokenId === undefined || s.tokenId === null ? undefined : eq(usageDaily.tokenId, s.tokenId),
  s.model === undefined || s.model === null ? undefined : eq(usageDaily.model, s.model),
];

export interface MinuteTotals {
  minute: number;
  requests: number;
  tokens: number;
  quota: number;
}

/** Requests, tokens and charge for every minute from `firstMinute` on, by minute number. */
export async function minuteTotals(db: Db, scope: StatsScope, firstMinute: number): Promise<MinuteTotals[]> {
  // The divisor is inlined: D1 binds numbers as REAL, and a REAL divisor would give fractional minutes.
  const minute = sql<number>`${logs.createdAt} / ${sql.raw(String(MINUTE))}`;
  return db
    .select({
      minute,
      requests: sql<number>`COUNT(*)`,
      tokens: sql<number>`COALESCE(SUM(${logs.promptTokens} + ${logs.completionTokens}), 0)`,
      quota: sql<number>`COALESCE(SUM(${logs.quota}), 0)`,
    })
    .from(logs)
    .where(and(gte(logs.createdAt, firstMinute * MINUTE), ...logScope(scope)))
    .groupBy(minute);
}

export interface DayModelTotals {
  day: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  quota: number;
}

/**
 * Daily totals by model from `startMs` (a UTC day boundary) on: raw rows and folded rollups read
 * apart and added, so the totals are the same before and after retention folds a day away.
 */
export async function dailyTotals(db: Db, scope: StatsScope, startMs: number): Promise<DayModelTotals[]> {
  const day = sql<string>`strftime('%Y-%m-%d', ${logs.createdAt} / 1000, 'unixepoch')`;
  const [raw, folded] = await db.batch([
    db
      .select({
        day,
        model: logs.model,
        requests: sql<number>`COUNT(*)`,
        promptTokens: sql<number>`SUM(${logs.promptTokens})`,
        completionTokens: sql<number>`SUM(${logs.completionTokens})`,
        quota: sql<number>`SUM(${logs.quota})`,
      })
      .from(logs)
      .where(and(gte(logs.createdAt, startMs), ...logScope(scope)))
      .groupBy(day, logs.model),
    db
      .select({
        day: usageDaily.day,
        model: usageDaily.model,
        requests: sql<number>`SUM(${usageDaily.requests})`,
        promptTokens: sql<number>`SUM(${usageDaily.promptTokens})`,
        completionTokens: sql<number>`SUM(${usageDaily.completionTokens})`,
        quota: sql<number>`SUM(${usageDaily.quota})`,
      })
      .from(usageDaily)
      .where(and(gte(usageDaily.day, new Date(startMs).toISOString().slice(0, 10)), ...dailyScope(scope)))
      .groupBy(usageDaily.day, usageDaily.model),
  ]);
  const merged = new Map<string, DayModelTotals>();
  for (const r of [...raw, ...folded]) {
    const key = `${r.day}\u0000${r.model}`;
    const sum = merged.get(key);
    if (!sum) merged.set(key, { ...r });
    else {
      sum.requests += r.requests;
      sum.promptTokens += r.promptTokens;
      sum.completionTokens += r.completionTokens;
      sum.quota += r.quota;
    }
  }
  return [...merged.values()].sort((a, b) =>
    a.day === b.day ? a.model.localeCompare(b.model) : a.day < b.day ? -1 : 1,
  );
}

export interface Totals {
  requests: number;
  tokens: number;
  quota: number;
}

/** Requests, tokens and charges since a UTC day boundary, raw rows and folded totals together. */
export async function totalsSince(db: Db, userId: number | null, sinceMs: number): Promise<Totals> {
  const rows = await dailyTotals(db, { userId }, sinceMs);
  return rows.reduce(
    (t, r) => ({
      requests: t.requests + r.requests,
      tokens: t.tokens + r.promptTokens + r.completionTokens,
      quota: t.quota + r.quota,
    }),
    { requests: 0, tokens: 0, quota: 0 },
  );
}
