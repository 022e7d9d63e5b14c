/**
 * The statements the account object flushes with, written as SQL on purpose: they run for every
 * request that reaches an upstream, and drizzle's query builder costs about 0.2 ms of CPU per
 * row here, which the benchmark showed as lost throughput. Each insert ignores a repeat of its
 * row's id (the ledger row's uid, the log row's request id).
 */
import type { LogWrite } from './logs';
import type { LedgerEntry } from './ledger';
import type { RebateEntry } from '../account/rebates';

const INSERT_LOG = `INSERT OR IGNORE INTO logs (created_at, request_id, user_id, token_id, channel_id, model, endpoint, is_stream,
  prompt_tokens, completion_tokens, cached_tokens, usage_counted, quota, capped, model_ratio, completion_ratio, group_ratio, ip,
  status, error_code, latency_ms, attempts, session_hash, cache_read) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const INSERT_LEDGER = `INSERT OR IGNORE INTO ledger (uid, user_id, token_id, delta, balance_after, reason, note, request_id, order_no, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function insertLogStatement(d1: D1Database, r: LogWrite): D1PreparedStatement {
  return d1
    .prepare(INSERT_LOG)
    .bind(
      r.created_at,
      r.request_id,
      r.user_id,
      r.token_id,
      r.channel_id,
      r.model,
      r.endpoint,
      r.is_stream ? 1 : 0,
      r.prompt_tokens,
      r.completion_tokens,
      r.cached_tokens,
      r.usage_counted ? 1 : 0,
      r.quota,
      r.capped ? 1 : 0,
      r.model_ratio,
      r.completion_ratio,
      r.group_ratio,
      r.ip,
      r.status,
      r.error_code,
      r.latency_ms,
      r.attempts,
      r.session_hash ?? null,
      r.cache_read ? 1 : 0,
    );
}

export function insertLedgerStatement(d1: D1Database, e: LedgerEntry): D1PreparedStatement {
  return d1
    .prepare(INSERT_LEDGER)
    .bind(
      e.uid ?? null,
      e.userId,
      e.tokenId ?? null,
      e.delta,
      e.balanceAfter,
      e.reason,
      e.note ?? null,
      e.requestId ?? null,
      e.orderNo ?? null,
      e.createdAt,
    );
}

/** Remembers the first request from each (key, IP); later ones leave the row as it is. */
export function noteTokenIpStatement(
  d1: D1Database,
  tokenId: number,
  ip: string,
  requestId: string,
  at: number,
): D1PreparedStatement {
  return d1
    .prepare('INSERT OR IGNORE INTO token_ips (token_id, ip, first_request_id, first_seen_at) VALUES (?, ?, ?, ?)')
    .bind(tokenId, ip, requestId, at);
}

/** D1's balance columns mirror the account object's state; the object is their only writer. */
export function mirrorBalanceStatement(
  d1: D1Database,
  userId: number,
  quota: number,
  usedQuota: number,
  at: number,
): D1PreparedStatement {
  return d1
    .prepare('UPDATE users SET quota = ?, used_quota = ?, updated_at = ? WHERE id = ?')
    .bind(quota, usedQuota, at, userId);
}

export function mirrorTokenCapStatement(
  d1: D1Database,
  tokenId: number,
  remainQuota: number | null,
  usedQuota: number,
): D1PreparedStatement {
  return d1
    .prepare('UPDATE tokens SET remain_quota = ?, used_quota = ? WHERE id = ?')
    .bind(remainQuota, usedQuota, tokenId);
}

/** A row of a user's rebate history; a repeat of its uid is ignored. */
export function insertRebateStatement(d1: D1Database, e: RebateEntry): D1PreparedStatement {
  return d1
    .prepare(
      'INSERT OR IGNORE INTO rebates (uid, user_id, kind, units, invitee_id, order_no, withdrawal_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(e.uid, e.userId, e.kind, e.units, e.inviteeId, e.orderNo, e.withdrawalId, e.createdAt);
}
