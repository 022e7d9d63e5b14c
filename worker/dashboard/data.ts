/** Read-only D1 queries behind the dashboard pages. `userId` null means every user (operators). */
import type { Env } from '../env';
import { IP_FIRST_SEEN_COLUMN, IP_FIRST_SEEN_JOIN } from '../db/queries';
import { listChannels, type ChannelView } from '../api/channels';
import type { TokenRow as ApiTokenRow } from '../api/tokens';
import type { UserRow } from '../api/users';
import type { LogDbRow } from '../api/logs';
import { dailyUsage, minuteSeries, type UsageRow } from '../api/stats';

const DAY = 86_400_000;

export const utcDayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
export const utcMonthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface Totals {
  requests: number;
  tokens: number;
  quota: number;
}

/** Requests, tokens and charges since a UTC day boundary, raw rows and folded daily totals together. */
export async function totalsSince(env: Env, userId: number | null, sinceMs: number): Promise<Totals> {
  const row = await env.DB.prepare(
    `SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(tokens), 0) AS tokens, COALESCE(SUM(quota), 0) AS quota FROM (
       SELECT COUNT(*) AS requests, SUM(prompt_tokens + completion_tokens) AS tokens, SUM(quota) AS quota
         FROM logs WHERE created_at >= ?1 AND (?3 IS NULL OR user_id = ?3)
       UNION ALL
       SELECT SUM(requests), SUM(prompt_tokens + completion_tokens), SUM(quota)
         FROM usage_daily WHERE day >= ?2 AND (?3 IS NULL OR user_id = ?3))`,
  )
    .bind(sinceMs, dayOf(sinceMs), userId)
    .first<Totals>();
  return row ?? { requests: 0, tokens: 0, quota: 0 };
}

export type DayModelRow = Pick<UsageRow, 'day' | 'model' | 'requests' | 'quota'>;

/** Daily totals by model for the last `days` UTC days (the same sums as GET /api/stats/usage). */
export async function usageByDay(env: Env, userId: number | null, days: number): Promise<{ days: string[]; rows: DayModelRow[] }> {
  const { startMs, rows } = await dailyUsage(env, { userId }, days);
  return { days: Array.from({ length: days }, (_, i) => dayOf(startMs + i * DAY)), rows };
}

/** Requests per minute over the last `minutes` minutes, zeros included, oldest first. */
export async function requestsPerMinute(env: Env, userId: number | null, minutes: number): Promise<{ minute: number; requests: number }[]> {
  return minuteSeries(env, { userId }, minutes);
}

/** The columns the keys page reads (the API's row, without the hash). */
export type TokenRow = Pick<ApiTokenRow, 'id' | 'user_id' | 'name' | 'key_prefix' | 'key_suffix' | 'status' | 'remain_quota' | 'used_quota' | 'expires_at' | 'models' | 'allow_ips' | 'rpm_limit' | 'tpm_limit' | 'group' | 'created_at'>;

export async function tokensOf(env: Env, userId: number): Promise<TokenRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, user_id, name, key_prefix, key_suffix, status, remain_quota, used_quota, expires_at, models, allow_ips,
            rpm_limit, tpm_limit, "group", created_at
       FROM tokens WHERE user_id = ? ORDER BY id DESC LIMIT 1000`,
  )
    .bind(userId)
    .all<TokenRow>();
  return results;
}

export interface LogFilter {
  userId: number | null;
  tokenId?: number;
  model?: string;
  ip?: string;
  fromMs?: number;
  toMs?: number;
  cursor?: number;
  limit: number;
}

/** The API's log row with the user's name, as the log tables show it. */
export type LogRow = Pick<LogDbRow, 'id' | 'created_at' | 'user_id' | 'token_id' | 'token_name' | 'model' | 'is_stream' | 'prompt_tokens' | 'completion_tokens' | 'cached_tokens' | 'usage_counted' | 'quota' | 'capped' | 'ip' | 'status' | 'error_code' | 'latency_ms' | 'ip_first_seen'> & { username: string | null };

/** A page of request logs, newest first, with the key's name and whether the IP is new for the key. */
export async function logsPage(env: Env, f: LogFilter): Promise<{ items: LogRow[]; next: number | null }> {
  const { results } = await env.DB.prepare(
    `SELECT l.id, l.created_at, l.user_id, u.username, l.token_id, t.name AS token_name, l.model, l.is_stream, l.prompt_tokens,
            l.completion_tokens, l.cached_tokens, l.usage_counted, l.quota, l.capped, l.ip, l.status, l.error_code, l.latency_ms,
            ${IP_FIRST_SEEN_COLUMN}
       FROM logs l LEFT JOIN tokens t ON t.id = l.token_id LEFT JOIN users u ON u.id = l.user_id ${IP_FIRST_SEEN_JOIN}
      WHERE (?1 IS NULL OR l.user_id = ?1) AND (?2 IS NULL OR l.token_id = ?2) AND (?3 IS NULL OR l.model = ?3)
        AND (?4 IS NULL OR l.ip = ?4) AND (?5 IS NULL OR l.created_at >= ?5) AND (?6 IS NULL OR l.created_at < ?6)
        AND (?7 IS NULL OR l.id < ?7)
      ORDER BY l.id DESC LIMIT ?8`,
  )
    .bind(f.userId, f.tokenId ?? null, f.model ?? null, f.ip ?? null, f.fromMs ?? null, f.toMs ?? null, f.cursor ?? null, f.limit + 1)
    .all<LogRow>();
  const items = results.slice(0, f.limit);
  return { items, next: results.length > f.limit ? items[items.length - 1].id : null };
}

/** Models that appear in a user's recent logs, for the filter's suggestions. */
export async function recentModels(env: Env, userId: number | null): Promise<string[]> {
  const { results } = await env.DB.prepare(
    'SELECT DISTINCT model FROM (SELECT model FROM logs WHERE (?1 IS NULL OR user_id = ?1) ORDER BY id DESC LIMIT 2000) ORDER BY model',
  )
    .bind(userId)
    .all<{ model: string }>();
  return results.map((r) => r.model);
}

export type { UserRow };

export async function userRow(env: Env, id: number): Promise<UserRow | null> {
  return env.DB.prepare('SELECT id, username, role, "group", quota, used_quota, status, created_at FROM users WHERE id = ?').bind(id).first<UserRow>();
}

export async function usersPage(env: Env, q: string | undefined, limit: number, offset: number): Promise<UserRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, username, role, "group", quota, used_quota, status, created_at FROM users
      WHERE (?1 IS NULL OR username LIKE ?1) ORDER BY id LIMIT ?2 OFFSET ?3`,
  )
    .bind(q ? `%${q}%` : null, limit, offset)
    .all<UserRow>();
  return results;
}

export async function siteBalances(env: Env): Promise<{ users: number; quota: number }> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS users, COALESCE(SUM(quota), 0) AS quota FROM users WHERE role = 'user'").first<{ users: number; quota: number }>();
  return row ?? { users: 0, quota: 0 };
}

export interface LedgerRow {
  id: number;
  delta: number;
  balance_after: number;
  reason: string;
  note: string | null;
  created_at: number;
}

export async function ledgerOf(env: Env, userId: number, limit: number): Promise<LedgerRow[]> {
  const { results } = await env.DB.prepare('SELECT id, delta, balance_after, reason, note, created_at FROM ledger WHERE user_id = ? ORDER BY id DESC LIMIT ?')
    .bind(userId, limit)
    .all<LedgerRow>();
  return results;
}

export type { ChannelView };

/** Channels with the live circuit state from each channel's health object (as GET /api/channels shows). */
export const channelsWithHealth = (env: Env): Promise<ChannelView[]> => listChannels(env);

export interface MaintenanceRun {
  id: number;
  job: string;
  trigger: string;
  started_at: number;
  finished_at: number | null;
  rows: number;
  outcome: string;
  error: string | null;
}

export async function maintenanceRuns(env: Env, limit: number): Promise<MaintenanceRun[]> {
  const { results } = await env.DB.prepare('SELECT id, job, trigger, started_at, finished_at, rows, outcome, error FROM maintenance_runs ORDER BY id DESC LIMIT ?')
    .bind(limit)
    .all<MaintenanceRun>();
  return results;
}

export interface PricingChange {
  id: number;
  changed_at: number;
  changed_by: number | null;
  username: string | null;
  change: string;
}

export async function pricingHistory(env: Env, limit: number): Promise<PricingChange[]> {
  const { results } = await env.DB.prepare(
    'SELECT h.id, h.changed_at, h.changed_by, u.username, h.change FROM pricing_history h LEFT JOIN users u ON u.id = h.changed_by ORDER BY h.id DESC LIMIT ?',
  )
    .bind(limit)
    .all<PricingChange>();
  return results;
}
