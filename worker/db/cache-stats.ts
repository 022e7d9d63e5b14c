/** The prompt cache's hit rate over recent served calls, by model and by channel (sticky sessions). */
import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { logs } from './schema';

export interface CacheRate {
  /** Served calls (status 200). */
  requests: number;
  /** Of them, calls where the provider reported a cache read. */
  cacheReads: number;
  promptTokens: number;
  cachedTokens: number;
}

export interface CacheRates {
  byModel: (CacheRate & { model: string })[];
  byChannel: (CacheRate & { channelId: number })[];
}

const zero = (): CacheRate => ({ requests: 0, cacheReads: 0, promptTokens: 0, cachedTokens: 0 });

function add(into: CacheRate, r: CacheRate): void {
  into.requests += r.requests;
  into.cacheReads += r.cacheReads;
  into.promptTokens += r.promptTokens;
  into.cachedTokens += r.cachedTokens;
}

/** Served calls since `sinceMs` (one user's, or everyone's for null), most requests first. */
export async function cacheRates(db: Db, userId: number | null, sinceMs: number): Promise<CacheRates> {
  const where: (SQL | undefined)[] = [
    gte(logs.createdAt, sinceMs),
    eq(logs.status, 200),
    userId === null ? undefined : eq(logs.userId, userId),
  ];
  const rows = await db
    .select({
      model: logs.model,
      channelId: logs.channelId,
      requests: sql<number>`COUNT(*)`,
      cacheReads: sql<number>`COALESCE(SUM(${logs.cacheRead}), 0)`,
      promptTokens: sql<number>`COALESCE(SUM(${logs.promptTokens}), 0)`,
      cachedTokens: sql<number>`COALESCE(SUM(${logs.cachedTokens}), 0)`,
    })
    .from(logs)
    .where(and(...where))
    .groupBy(logs.model, logs.channelId);
  const models = new Map<string, CacheRate & { model: string }>();
  const channels = new Map<number, CacheRate & { channelId: number }>();
  for (const r of rows) {
    const m = models.get(r.model) ?? { model: r.model, ...zero() };
    add(m, r);
    models.set(r.model, m);
    if (r.channelId === null) continue;
    const ch = channels.get(r.channelId) ?? { channelId: r.channelId, ...zero() };
    add(ch, r);
    channels.set(r.channelId, ch);
  }
  const byRequests = (a: CacheRate, b: CacheRate) => b.requests - a.requests;
  return { byModel: [...models.values()].sort(byRequests), byChannel: [...channels.values()].sort(byRequests) };
}

/** Share of served calls that read the cache, 0 to 1 (0 with none). */
export const hitRate = (r: CacheRate) => (r.requests > 0 ? r.cacheReads / r.requests : 0);

/** Share of prompt tokens read from the cache, 0 to 1. */
export const tokenRate = (r: CacheRate) => (r.promptTokens > 0 ? Math.min(1, r.cachedTokens / r.promptTokens) : 0);
