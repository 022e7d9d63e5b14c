import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { noteTokenIp } from '../db/queries';
import type { Balance, LedgerReason, LogRow, ReserveResult, Revocation, SettleInput, SettleResult, TokenTruth } from './types';

interface AccountState {
  userId: number;
  balance: number;
  used: number;
  /** A disabled user's keys are all refused on their next request. */
  disabled?: boolean;
}

interface TokenCap {
  /** null: the token has no cap of its own. */
  remain: number | null;
  used: number;
}

interface Reservation {
  tokenId: number | null;
  units: number;
  at: number;
}

type Pending =
  | { kind: 'log'; row: LogRow }
  | { kind: 'ledger'; userId: number; tokenId: number | null; delta: number; balanceAfter: number; reason: LedgerReason; note: string | null; requestId: string | null; at: number };

const FLUSH_DELAY_MS = 500;
const FLUSH_BATCH = 200;
/** A reservation older than this is from a request that died without settling. */
const RESERVATION_TTL_MS = 15 * 60_000;

/**
 * One per user: the live balance, its tokens' own caps, and reservations. Every balance change
 * passes through here, so concurrent requests cannot overspend. Ledger and log rows are kept in
 * this object's storage and flushed to D1 in batches by an alarm; D1's balance columns mirror
 * the object's state and have no other writer.
 */
export class Account extends DurableObject<Env> {
  private state: AccountState | undefined;
  private readonly caps = new Map<number, TokenCap>();
  private readonly truths = new Map<number, TokenTruth>();
  /** (key, IP) pairs already in token_ips, so a busy key does not rewrite them on every flush. */
  private readonly notedIps = new Set<string>();
  /**
   * Held in memory only: a reservation lives for one request, and writing it to storage twice
   * per request costs more than it protects (an object restart mid-request merely frees it).
   */
  private readonly reservations = new Map<string, Reservation>();
  private alarmPending: boolean | undefined;

  private async load(userId: number): Promise<AccountState> {
    if (this.state) return this.state;
    await this.ctx.blockConcurrencyWhile(async () => {
      if (this.state) return;
      const stored = await this.ctx.storage.get<AccountState>('state');
      if (stored) {
        this.state = stored;
      } else {
        const row = await this.env.DB.prepare('SELECT quota, used_quota, status FROM users WHERE id = ?')
          .bind(userId)
          .first<{ quota: number; used_quota: number; status: string }>();
        this.state = { userId, balance: row?.quota ?? 0, used: row?.used_quota ?? 0, disabled: row?.status === 'disabled' };
        await this.ctx.storage.put('state', this.state);
      }
    });
    return this.state!;
  }

  private async cap(tokenId: number): Promise<TokenCap> {
    const known = this.caps.get(tokenId);
    if (known) return known;
    let cap = await this.ctx.storage.get<TokenCap>(`cap:${tokenId}`);
    if (!cap) {
      const row = await this.env.DB.prepare('SELECT remain_quota, used_quota FROM tokens WHERE id = ?')
        .bind(tokenId)
        .first<{ remain_quota: number | null; used_quota: number }>();
      // Another call may have loaded it while D1 answered; keep the first copy.
      const raced = this.caps.get(tokenId);
      if (raced) return raced;
      cap = { remain: row?.remain_quota ?? null, used: row?.used_quota ?? 0 };
      await this.ctx.storage.put(`cap:${tokenId}`, cap);
    }
    const raced = this.caps.get(tokenId);
    if (raced) return raced;
    this.caps.set(tokenId, cap);
    return cap;
  }

  private async truth(userId: number, tokenId: number): Promise<TokenTruth> {
    const known = this.truths.get(tokenId);
    if (known) return known;
    let truth = await this.ctx.storage.get<TokenTruth>(`truth:${tokenId}`);
    if (!truth) {
      const row = await this.env.DB.prepare('SELECT status, key_hash, expires_at FROM tokens WHERE id = ? AND user_id = ?')
        .bind(tokenId, userId)
        .first<{ status: TokenTruth['status']; key_hash: string; expires_at: number | null }>();
      truth = row ? { status: row.status, keyHash: row.key_hash, expiresAt: row.expires_at } : { status: 'deleted', keyHash: null, expiresAt: null };
    }
    const raced = this.truths.get(tokenId);
    if (raced) return raced;
    this.truths.set(tokenId, truth);
    return truth;
  }

  /** Whether the key may be used: revocation is decided here, not by any snapshot. */
  async verifyToken(userId: number, tokenId: number, keyHash: string): Promise<Revocation | 'ok'> {
    const state = await this.load(userId);
    const truth = await this.truth(userId, tokenId);
    if (truth.status === 'deleted' || truth.keyHash !== keyHash) return 'deleted';
    if (truth.status === 'disabled' || state.disabled) return 'disabled';
    if (truth.status === 'expired' || (truth.expiresAt !== null && truth.expiresAt <= Date.now())) return 'expired';
    return 'ok';
  }

  /** Called by the management API when an operator disables or re-enables the user. */
  async setUserStatus(userId: number, status: 'enabled' | 'disabled'): Promise<void> {
    const state = await this.load(userId);
    state.disabled = status === 'disabled';
    await this.ctx.storage.put('state', state);
  }

  /** Called by the management API on every change to a key's status, hash or expiry. */
  async syncToken(userId: number, tokenId: number, truth: TokenTruth): Promise<void> {
    await this.load(userId);
    this.truths.set(tokenId, truth);
    await this.ctx.storage.put(`truth:${tokenId}`, truth);
  }

  private held(filter: (r: Reservation) => boolean): number {
    const now = Date.now();
    let sum = 0;
    for (const [id, r] of this.reservations) {
      if (now - r.at > RESERVATION_TTL_MS) {
        this.reservations.delete(id);
        continue;
      }
      if (filter(r)) sum += r.units;
    }
    return sum;
  }

  async reserve(userId: number, tokenId: number, keyHash: string, requestId: string, units: number): Promise<ReserveResult> {
    const state = await this.load(userId);
    const verdict = await this.verifyToken(userId, tokenId, keyHash);
    if (verdict !== 'ok') return { ok: false, reason: verdict };
    const cap = await this.cap(tokenId);
    if (state.balance - this.held(() => true) < units || state.balance <= 0) return { ok: false, reason: 'user_balance' };
    if (cap.remain !== null) {
      const heldForToken = this.held((r) => r.tokenId === tokenId);
      if (cap.remain - heldForToken < units || cap.remain <= 0) return { ok: false, reason: 'token_cap' };
    }
    this.reservations.set(requestId, { tokenId, units, at: Date.now() });
    return { ok: true };
  }

  /** Takes the exact charge, never more than the account (and the token's cap) still holds. */
  async settle(userId: number, input: SettleInput): Promise<SettleResult> {
    const state = await this.load(userId);
    this.dropReservation(input.requestId);
    const cap = input.tokenId === null ? null : await this.cap(input.tokenId);
    let charge = Math.max(0, Math.floor(input.charge));
    let capped = false;
    const limit = Math.min(state.balance, cap && cap.remain !== null ? cap.remain : Number.POSITIVE_INFINITY);
    if (charge > limit) {
      charge = Math.max(0, limit);
      capped = true;
    }
    state.balance -= charge;
    state.used += charge;
    const writes: Record<string, unknown> = { state };
    if (cap && input.tokenId !== null) {
      if (cap.remain !== null) cap.remain -= charge;
      cap.used += charge;
      writes[`cap:${input.tokenId}`] = cap;
    }
    const log: LogRow = { ...input.log, quota: charge, capped };
    const pending: Pending[] = [{ kind: 'log', row: log }];
    if (charge > 0) {
      pending.push({
        kind: 'ledger', userId, tokenId: input.tokenId, delta: -charge, balanceAfter: state.balance,
        reason: 'charge', note: null, requestId: input.requestId, at: log.created_at,
      });
    }
    await this.enqueue(writes, pending);
    return { charged: charge, capped };
  }

  /** A failed request: the reservation goes back, and the log row records it at no charge. */
  async release(userId: number, requestId: string, log: LogRow | null): Promise<void> {
    await this.load(userId);
    this.dropReservation(requestId);
    if (log) await this.enqueue({}, [{ kind: 'log', row: { ...log, quota: 0, capped: false } }]);
  }

  /** Top-ups and adjustments. A change that would take the balance below zero is refused. */
  async credit(userId: number, delta: number, reason: LedgerReason, note: string | null): Promise<Balance | { error: string }> {
    const state = await this.load(userId);
    if (!Number.isSafeInteger(delta)) return { error: 'delta must be a whole number of units' };
    if (state.balance + delta < 0) return { error: `the balance is ${state.balance}; a change of ${delta} would take it below zero` };
    state.balance += delta;
    await this.enqueue({ state }, [
      { kind: 'ledger', userId, tokenId: null, delta, balanceAfter: state.balance, reason, note, requestId: null, at: Date.now() },
    ]);
    await this.flush();
    return { quota: state.balance, usedQuota: state.used };
  }

  async setTokenCap(userId: number, tokenId: number, remain: number | null): Promise<void> {
    await this.load(userId);
    const cap = await this.cap(tokenId);
    cap.remain = remain;
    await this.ctx.storage.put(`cap:${tokenId}`, cap);
    await this.markDirty();
    await this.flush([tokenId]);
  }

  async balance(userId: number): Promise<Balance> {
    const state = await this.load(userId);
    return { quota: state.balance, usedQuota: state.used };
  }

  /** The balance after everything this object holds has reached D1 (for reconciliation). */
  async settledBalance(userId: number): Promise<Balance> {
    const state = await this.load(userId);
    while (await this.flush()) {
      // keep flushing until nothing is pending
    }
    return { quota: state.balance, usedQuota: state.used };
  }

  private dropReservation(requestId: string): void {
    this.reservations.delete(requestId);
  }

  private rememberIps(pairs: string[]): void {
    if (this.notedIps.size + pairs.length > 10_000) this.notedIps.clear();
    for (const p of pairs) this.notedIps.add(p);
  }

  private seq = 0;

  private async enqueue(writes: Record<string, unknown>, pending: Pending[]): Promise<void> {
    if (this.seq === 0) this.seq = (await this.ctx.storage.get<number>('seq')) ?? 0;
    const entries: Record<string, unknown> = { ...writes, dirty: true };
    for (const p of pending) entries[`pend:${String(++this.seq).padStart(12, '0')}`] = p;
    entries.seq = this.seq;
    await this.ctx.storage.put(entries);
    await this.scheduleFlush();
  }

  private async markDirty(): Promise<void> {
    await this.ctx.storage.put('dirty', true);
  }

  private async scheduleFlush(): Promise<void> {
    if (this.alarmPending) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
    this.alarmPending = true;
  }

  override async alarm(): Promise<void> {
    this.alarmPending = false;
    const more = await this.flush();
    if (more) {
      await this.ctx.storage.setAlarm(Date.now() + 50);
      this.alarmPending = true;
    }
  }

  /**
   * Writes pending rows and the balance mirror to D1 in one batch. Returns true if rows remain.
   * A key's cap is written with the charges that changed it (or when named, after an operator's
   * change), not every key of the user on every flush.
   */
  private async flush(capsChanged: number[] = []): Promise<boolean> {
    const pending = await this.ctx.storage.list<Pending>({ prefix: 'pend:', limit: FLUSH_BATCH });
    const dirty = await this.ctx.storage.get<boolean>('dirty');
    if (pending.size === 0 && !dirty) return false;
    const state = this.state ?? (await this.ctx.storage.get<AccountState>('state'));
    const db = this.env.DB;
    const statements: D1PreparedStatement[] = [];
    const notedNow: string[] = [];
    const capIds = new Set(capsChanged);
    for (const p of pending.values()) {
      if (p.kind === 'ledger') {
        statements.push(insertLedger(db, p));
        if (p.tokenId !== null) capIds.add(p.tokenId);
        continue;
      }
      statements.push(insertLog(db, p.row));
      const pair = p.row.token_id !== null && p.row.ip ? `${p.row.token_id}|${p.row.ip}` : null;
      if (pair && !this.notedIps.has(pair) && !notedNow.includes(pair)) {
        statements.push(noteTokenIp(db, p.row.token_id!, p.row.ip!, p.row.request_id, p.row.created_at));
        notedNow.push(pair);
      }
    }
    if (state) {
      statements.push(db.prepare('UPDATE users SET quota = ?, used_quota = ?, updated_at = ? WHERE id = ?').bind(state.balance, state.used, Date.now(), state.userId));
    }
    for (const tokenId of capIds) {
      const cap = this.caps.get(tokenId) ?? (await this.ctx.storage.get<TokenCap>(`cap:${tokenId}`));
      if (cap) statements.push(db.prepare('UPDATE tokens SET remain_quota = ?, used_quota = ? WHERE id = ?').bind(cap.remain, cap.used, tokenId));
    }
    await db.batch(statements);
    this.rememberIps(notedNow);
    await this.ctx.storage.delete([...pending.keys()]);
    if (pending.size < FLUSH_BATCH) {
      await this.ctx.storage.delete('dirty');
      return false;
    }
    return true;
  }
}

function insertLog(db: D1Database, r: LogRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO logs (created_at, request_id, user_id, token_id, channel_id, model, endpoint, is_stream,
        prompt_tokens, completion_tokens, cached_tokens, usage_counted, quota, capped, model_ratio, completion_ratio,
        group_ratio, ip, status, error_code, latency_ms, attempts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      r.created_at, r.request_id, r.user_id, r.token_id, r.channel_id, r.model, r.endpoint, r.is_stream ? 1 : 0,
      r.prompt_tokens, r.completion_tokens, r.cached_tokens, r.usage_counted ? 1 : 0, r.quota, r.capped ? 1 : 0,
      r.model_ratio, r.completion_ratio, r.group_ratio, r.ip, r.status, r.error_code, r.latency_ms, r.attempts,
    );
}

function insertLedger(db: D1Database, p: Extract<Pending, { kind: 'ledger' }>): D1PreparedStatement {
  return db
    .prepare('INSERT INTO ledger (user_id, token_id, delta, balance_after, reason, note, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(p.userId, p.tokenId, p.delta, p.balanceAfter, p.reason, p.note, p.requestId, p.at);
}
