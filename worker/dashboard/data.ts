/**
 * What the dashboard pages read. Every query lives in `worker/db/` and is shared with the API;
 * this module only binds them to the request's database. `userId` null means every user (operators).
 */
import type { Env } from '../env';
import { dbOf } from '../db/client';
import { totalsSince as dbTotalsSince, type Totals } from '../db/stats';
import { logsPage as dbLogsPage, recentModels as dbRecentModels, type LogEntry, type LogFilter } from '../db/logs';

export type { LogEntry };
import { tokensOf as dbTokensOf, type TokenRow } from '../db/tokens';
import {
  userGroup,
  userIdByName as dbUserIdByName,
  usersPage as dbUsersPage,
  customerBalances,
  type UserSummary,
} from '../db/users';
import { ledgerPage, type LedgerRow } from '../db/ledger';
import { recentRuns, type RunRow } from '../db/runs';
import { pricingChanges, type PricingChange } from '../db/pricing';
import { listChannels, type ChannelView } from '../api/channels';
import { dailyUsage, minuteSeries } from '../api/stats';
import type { DayModelTotals } from '../db/stats';
import { orderByNo, ordersPage, type OrderFilter, type OrderRow } from '../db/orders';
import { codesPage, type CodeRow } from '../db/redemptions';
import { cacheRates as dbCacheRates, type CacheRates } from '../db/cache-stats';

const DAY = 86_400_000;

export const utcDayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
export const utcMonthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export type { ChannelView, LedgerRow, LogFilter, PricingChange, Totals, TokenRow };
export type UserRow = UserSummary;
export type MaintenanceRun = RunRow;

/** Requests, tokens and charges since a UTC day boundary, raw rows and folded daily totals together. */
export const totalsSince = (env: Env, userId: number | null, sinceMs: number): Promise<Totals> =>
  dbTotalsSince(dbOf(env.DB), userId, sinceMs);

/** Daily totals by model for the last `days` UTC days (the same sums as GET /api/stats/usage). */
export async function usageByDay(
  env: Env,
  userId: number | null,
  days: number,
): Promise<{ days: string[]; rows: DayModelTotals[] }> {
  const { startMs, rows } = await dailyUsage(env, { userId }, days);
  return { days: Array.from({ length: days }, (_, i) => dayOf(startMs + i * DAY)), rows };
}

/** Requests per minute over the last `minutes` minutes, zeros included, oldest first. */
export const requestsPerMinute = (
  env: Env,
  userId: number | null,
  minutes: number,
): Promise<{ minute: number; requests: number }[]> => minuteSeries(env, { userId }, minutes);

export const tokensOf = (env: Env, userId: number): Promise<TokenRow[]> => dbTokensOf(dbOf(env.DB), userId);

/** A page of request logs, newest first, with the key's name and whether the IP is new for the key (as GET /api/logs). */
export const logsPage = (env: Env, f: LogFilter): Promise<{ items: LogEntry[]; next: number | null }> =>
  dbLogsPage(dbOf(env.DB), f);

export const recentModels = (env: Env, userId: number | null): Promise<string[]> =>
  dbRecentModels(dbOf(env.DB), userId);

export const userIdByName = (env: Env, username: string): Promise<number | null> =>
  dbUserIdByName(dbOf(env.DB), username);

export const userGroupOf = (env: Env, id: number): Promise<string | null> => userGroup(dbOf(env.DB), id);

export const usersPage = (env: Env, q: string | undefined, limit: number, offset: number): Promise<UserRow[]> =>
  dbUsersPage(dbOf(env.DB), q, limit, offset);

export const siteBalances = (env: Env): Promise<{ users: number; quota: number }> => customerBalances(dbOf(env.DB));

export const ledgerOf = (env: Env, userId: number, limit: number): Promise<LedgerRow[]> =>
  ledgerPage(dbOf(env.DB), userId, limit, null);

/** Channels with the live circuit state from each channel's health object (as GET /api/channels shows). */
export const channelsWithHealth = (env: Env): Promise<ChannelView[]> => listChannels(env);

export const maintenanceRuns = (env: Env, limit: number): Promise<MaintenanceRun[]> => recentRuns(dbOf(env.DB), limit);

export const pricingHistory = (env: Env, limit: number): Promise<PricingChange[]> =>
  pricingChanges(dbOf(env.DB), limit);

export type { CodeRow, OrderFilter, OrderRow };

/** Orders, newest first: one user's (or everyone's, for null), as GET /api/topup/orders. */
export const ordersOf = (env: Env, f: OrderFilter): Promise<{ items: OrderRow[]; next: number | null }> =>
  ordersPage(dbOf(env.DB), f);

export const orderOf = (env: Env, orderNo: string): Promise<OrderRow | null> => orderByNo(dbOf(env.DB), orderNo);

export const redemptionCodes = (
  env: Env,
  cursor: number | undefined,
  limit: number,
): Promise<{ items: CodeRow[]; next: number | null }> => codesPage(dbOf(env.DB), cursor, limit);

/** The prompt cache's hit rate over the last day's served calls, by model and by channel (as GET /api/stats/cache). */
export const cacheRatesOf = (env: Env, userId: number | null): Promise<CacheRates> =>
  dbCacheRates(dbOf(env.DB), userId, Date.now() - DAY);
export type { CacheRates };
