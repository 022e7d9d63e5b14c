import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { largestAllowance, holdUnits } from '../billing/hold';
import { dbOf } from '../db/client';
import { balanceSeed, tokenCapSeed, tokenTruthSeed } from '../db/accounts';
import { ledgerSum } from '../db/ledger';
import { flushPlan, pendingKey, type Pending, type TokenCap } from './pending';
import { AccountNotices, type NotifyPrefs } from './notices';
import {
  FLUSH_BATCH,
  FLUSH_DELAY_MS,
  FLUSHES_PER_ALARM,
  MAX_RETRY_MS,
  RECENT_SETTLES,
  RESERVATION_TTL_MS,
  SETTLED_TTL_MS,
  SWEEP_EVERY_MS,
  SWEEP_LIMIT,
  minuteOf,
  settledKey,
  type AccountState,
  type CreditMark,
  type Reservation,
  type Settled,
} from './state';
import type {
  Audit,
  Balance,
  CreditInput,
  CreditResult,
  LedgerReason,
  LogWrite,
  ReserveInput,
  ReserveResult,
  Revocation,
  SettleInput,
  SettleResult,
  TokenTruth,
} from './types';
import { planTakeBack, takeBackKey, type TakeBackInput, type TakeBackMark, type TakeBackResult } from './takeback';
import { AccountPlans, subKey } from './plans';
import { clawTarget, orderRebateKey, outboxKey, type OrderRebate, type Outgoing } from './rebates';
import { accountOf } from './client';

/**
 * One per user: the live balance, its tokens' own caps, and reservations. Every balance change
 * passes through here, so concurrent requests cannot overspend. Ledger and log rows are kept in
 * this object's storage and flushed to D1 in batches by an alarm, one flush at a time; D1's
 * balance columns mirror the object's state and have no other writer. Referrals and plans are
 * added by the `Account` class in ./account-growth.ts; the plan windows are held and charged here.
 */
export class AccountCore extends DurableObject<Env> {
  protected state: AccountState | undefined;
  private seq = 0;
  /** The sum of queued ledger deltas not yet known to be in D1: balance = D1's ledger sum + this. */
  private unflushedDelta = 0;
  private readonly caps = new Map<number, TokenCap>();
  private readonly truths = new Map<number, TokenTruth>();
  /** (key, IP) pairs already in token_ips. */
  private readonly notedIps = new Set<string>();
  /** Held in memory: a reservation lives for one request; a restart merely frees it early. */
  private readonly reservations = new Map<string, Reservation>();
  /** Settles and keyed credits in progress: a concurrent repeat waits for the first. */
  private readonly inFlight = new Map<string, Promise<SettleResult | CreditResult>>();
  /** Take-backs run one at a time: each reads and writes its order's claims. */
  private takeBackTail: Promise<unknown> = Promise.resolve();
  /** Flushes and audits run one at a time, in order. */
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private alarmAt: number | null = null;
  private failedFlushes = 0;
  private lastSweep = 0;
  private readonly startedAt = Date.now();
  /** Settles this instance made, newest last; older ones are in storage (see settleOnce). */
  private readonly recentSettles = new Map<string, Settled>();
  private creditCursor: string | undefined;
  /** New-IP and low-balance notices, decided after each settle (./notices). */
  protected readonly plans = new AccountPlans(this.ctx.storage);
  private readonly notices = new AccountNotices(this.ctx.storage, this.env, (at) =>
    this.scheduleAlarm(Math.max(0, at - Date.now())),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = await ctx.storage.get<AccountState>('state');
      this.seq = (await ctx.storage.get<number>('seq')) ?? 0;
      this.alarmAt = await ctx.storage.getAlarm();
      const queued = await ctx.storage.list<Pending>({ prefix: 'pend:' });
      for (const p of queued.values()) if (p.kind === 'ledger') this.unflushedDelta += p.entry.delta;
    });
  }

  protected get db() {
    return dbOf(this.env.DB);
  }

  protected async load(userId: number): Promise<AccountState> {
    if (this.state) return this.state;
    const seed = await balanceSeed(this.db, userId);
    // Another call may have loaded it while D1 answered: keep the first copy.
    this.state ??= {
      userId,
      balance: seed?.quota ?? 0,
      used: seed?.usedQuota ?? 0,
      disabled: seed?.status === 'disabled',
    };
    await this.ctx.storage.put('state', this.state);
    return this.state;
  }

  private async cap(tokenId: number): Promise<TokenCap> {
    const known = this.caps.get(tokenId);
    if (known) return known;
    let cap = await this.ctx.storage.get<TokenCap>(`cap:${tokenId}`);
    if (!cap) {
      const seed = await tokenCapSeed(this.db, tokenId);
      cap = { remain: seed?.remainQuota ?? null, used: seed?.usedQuota ?? 0 };
      if (!this.caps.has(tokenId)) await this.ctx.storage.put(`cap:${tokenId}`, cap);
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
      const seed = await tokenTruthSeed(this.db, userId, tokenId);
      truth = seed
        ? { status: seed.status, keyHash: seed.keyHash, expiresAt: seed.expiresAt }
        : { status: 'deleted', keyHash: null, expiresAt: null };
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

  protected held(filter: (r: Reservation) => boolean): number {
    const now = Date.now();
    let sum = 0;
    for (const [id, r] of this.reservations) {
      if (now - r.at > RESERVATION_TTL_MS) this.reservations.delete(id);
      else if (filter(r)) sum += r.units;
    }
    return sum;
  }

  /**
   * Holds what the request can cost at most: its prompt and the largest completion allowance, up
   * to the one wanted, that the balance and the key's cap still cover beside every other hold.
   */
  async reserve(userId: number, input: ReserveInput): Promise<ReserveResult> {
    const state = await this.load(userId);
    const verdict = await this.verifyToken(userId, input.tokenId, input.keyHash);
    if (verdict !== 'ok') return { ok: false, reason: verdict };
    // A second reserve for the same request (the relay refining its hold) replaces the first.
    this.reservations.delete(input.requestId);
    const cap = await this.cap(input.tokenId);
    await this.plans.ready();
    const onPlan = this.reserveOnPlan(input);
    if (onPlan) return onPlan;
    const forUser = state.balance - this.held((r) => r.subId === undefined);
    const forToken =
      cap.remain === null
        ? Number.POSITIVE_INFINITY
        : cap.remain - this.held((r) => r.tokenId === input.tokenId && r.subId === undefined);
    const available = Math.min(forUser, forToken);
    const allowance = available > 0 ? largestAllowance(input.plan, available) : null;
    if (allowance === null) return { ok: false, reason: forToken < forUser ? 'token_cap' : 'user_balance' };
    const units = holdUnits(input.plan, allowance);
    this.reservations.set(input.requestId, { tokenId: input.tokenId, units, at: Date.now() });
    return { ok: true, units, allowance };
  }

  /**
   * A call to a model a subscription covers is held against its windows when one has room; a
   * `plan_only` key is refused when none has. Null: the balance holds it.
   */
  private reserveOnPlan(input: ReserveInput): ReserveResult | null {
    if (!input.model) return null;
    const now = Date.now();
    const picked = this.plans.pick(input.model, input.plan, (id) => this.held((r) => r.subId === id), now);
    if (picked) {
      this.reservations.set(input.requestId, {
        tokenId: input.tokenId,
        units: picked.units,
        at: now,
        subId: picked.sub.id,
      });
      return { ok: true, units: picked.units, allowance: picked.allowance, plan: picked.sub.id };
    }
    if (!input.planOnly) return null;
    if (this.plans.covering(input.model, now).length === 0) return { ok: false, reason: 'plan_required' };
    return { ok: false, reason: 'plan_window_exhausted', resetsAt: this.plans.nextRoomAt(input.model, now) };
  }

  /** Takes the exact charge, never more than the account (and the token's cap) still holds; once per request id. */
  settle(userId: number, input: SettleInput): Promise<SettleResult> {
    return this.once(`settle:${input.requestId}`, () => this.settleOnce(userId, input));
  }

  private async settleOnce(userId: number, input: SettleInput): Promise<SettleResult> {
    const state = await this.load(userId);
    const marker = settledKey(input);
    const known = this.recentSettles.get(marker);
    if (known) return known;
    // Only a repeated send, to an instance younger than the marker's life, can miss a settle
    // made by the instance before it.
    if (!input.firstSend && Date.now() - this.startedAt < SETTLED_TTL_MS) {
      const done = await this.ctx.storage.get<Settled>(marker);
      if (done) return done;
    }
    const cap = input.tokenId === null ? null : await this.cap(input.tokenId);
    await this.plans.ready();
    const hold = this.reservations.get(input.requestId);
    this.reservations.delete(input.requestId);
    const now = Date.now();
    // Held on a plan: its windows take what they have room for. No hold (the object restarted): a covering plan first.
    const sub = hold
      ? hold.subId === undefined
        ? undefined
        : this.plans.byId(hold.subId)
      : this.plans.covering(input.log.model, now)[0];
    const onPlan = sub ? this.plans.charge(sub, Math.max(0, Math.floor(input.charge)), now) : 0;
    let charge = Math.max(0, Math.floor(input.charge)) - onPlan;
    let capped = false;
    const limit = Math.min(state.balance, cap && cap.remain !== null ? cap.remain : Number.POSITIVE_INFINITY);
    if (charge > limit) {
      charge = Math.max(0, limit);
      capped = true;
    }
    // From here to the write nothing awaits: the balance and its queued rows change together.
    state.balance -= charge;
    state.used += charge;
    const result: Settled = { charged: charge + onPlan, capped };
    const writes: Record<string, unknown> = { state, [marker]: result };
    if (sub) writes[subKey(sub.id)] = sub;
    this.rememberSettle(marker, result);
    if (cap && input.tokenId !== null) {
      if (cap.remain !== null) cap.remain -= charge;
      cap.used += charge;
      writes[`cap:${input.tokenId}`] = cap;
    }
    const log: LogWrite = { ...input.log, quota: charge + onPlan, capped };
    const rows: Pending[] = [{ kind: 'log', row: log }];
    if (charge > 0)
      rows.push(this.ledgerRow(userId, input.tokenId, -charge, 'charge', null, input.requestId, null, log.created_at));
    await this.enqueue(writes, rows);
    await this.notices.afterSettle(userId, log, state.balance);
    return result;
  }

  private rememberSettle(marker: string, result: Settled): void {
    if (this.recentSettles.size >= RECENT_SETTLES) {
      const oldest = this.recentSettles.keys().next().value;
      if (oldest !== undefined) this.recentSettles.delete(oldest);
    }
    this.recentSettles.set(marker, result);
  }

  /** A failed request: the reservation goes back, and the log row records it at no charge. */
  async release(userId: number, requestId: string, log: LogWrite | null): Promise<void> {
    await this.load(userId);
    this.reservations.delete(requestId);
    if (log) await this.enqueue({}, [{ kind: 'log', row: { ...log, quota: 0, capped: false } }]);
  }

  /** Top-ups, codes and adjustments, once per idempotency key. A change that would take the balance below zero is refused. */
  credit(userId: number, input: CreditInput): Promise<CreditResult> {
    if (!input.idempotencyKey) return this.creditOnce(userId, input);
    return this.once(`credit:${input.idempotencyKey}`, () => this.creditOnce(userId, input));
  }

  private async creditOnce(userId: number, input: CreditInput): Promise<CreditResult> {
    const state = await this.load(userId);
    const markKey = input.idempotencyKey ? `cred:${input.idempotencyKey}` : null;
    if (markKey) {
      const mark = await this.ctx.storage.get<CreditMark>(markKey);
      if (mark && (mark.expiresAt === null || mark.expiresAt > Date.now()))
        return { ok: true, replayed: true, quota: mark.quota, usedQuota: mark.usedQuota, by: mark.by ?? null };
    }
    const { delta } = input;
    if (!Number.isSafeInteger(delta) || delta === 0)
      return { ok: false, error: 'delta must be a whole, non-zero number of units' };
    if (state.balance + delta < 0)
      return { ok: false, error: `the balance is ${state.balance}; a change of ${delta} would take it below zero` };
    state.balance += delta;
    const now = Date.now();
    const writes: Record<string, unknown> = { state };
    if (markKey) {
      const expiresAt = input.keyTtlMs === undefined ? null : now + input.keyTtlMs;
      writes[markKey] = {
        quota: state.balance,
        usedQuota: state.used,
        at: now,
        expiresAt,
        by: input.by,
      } satisfies CreditMark;
    }
    // An invitee's paid order: the inviter's rebate is decided in this same write, and delivered after it.
    const rebate =
      input.rebate && input.orderNo && input.rebate.units > 0 ? { ...input.rebate, orderNo: input.orderNo } : null;
    if (rebate) {
      writes[orderRebateKey(rebate.orderNo)] = {
        inviterId: rebate.inviterId,
        units: rebate.units,
        credit: delta,
      } satisfies OrderRebate;
      writes[outboxKey(rebate.orderNo, 'earn')] = {
        inviterId: rebate.inviterId,
        notice: { kind: 'earn', inviteeId: userId, orderNo: rebate.orderNo, units: rebate.units },
      } satisfies Outgoing;
    }
    await this.enqueue(writes, [
      this.ledgerRow(userId, null, delta, input.reason, input.note, null, input.orderNo ?? null, now),
    ]);
    await this.notices.afterCredit(userId, state.balance);
    if (rebate) await this.deliverRebates();
    // The ledger shows the credit at once where D1 answers; otherwise the alarm retries.
    await this.flush().catch(() => undefined);
    return { ok: true, replayed: false, quota: state.balance, usedQuota: state.used, by: input.by ?? null };
  }

  /** A refund or dispute of a paid order: its share of the credit back, never below zero, once per claim (./takeback). */
  takeBack(userId: number, input: TakeBackInput): Promise<TakeBackResult> {
    const run = this.takeBackTail.then(() => this.takeBackOnce(userId, input));
    this.takeBackTail = run.catch(() => undefined);
    return run;
  }

  private async takeBackOnce(userId: number, input: TakeBackInput): Promise<TakeBackResult> {
    if (!Number.isSafeInteger(input.units) || input.units < 0)
      return { ok: false, error: 'units must be a whole, non-negative number' };
    const state = await this.load(userId);
    const key = takeBackKey(input.orderNo);
    const rebate = await this.ctx.storage.get<OrderRebate>(orderRebateKey(input.orderNo));
    const plan = planTakeBack(await this.ctx.storage.get<TakeBackMark>(key), input, state.balance);
    if (plan.taken === 0 && plan.shortfall === 0)
      return { ok: true, replayed: true, taken: 0, shortfall: 0, quota: state.balance };
    state.balance -= plan.taken;
    const rows =
      plan.taken > 0
        ? [this.ledgerRow(userId, null, -plan.taken, 'refund', input.note, null, input.orderNo, Date.now())]
        : [];
    const writes: Record<string, unknown> = { state, [key]: plan.mark };
    // The inviter gives back the refunded share of the order's rebate.
    if (rebate)
      writes[outboxKey(input.orderNo, 'claw')] = {
        inviterId: rebate.inviterId,
        notice: {
          kind: 'claw',
          inviteeId: userId,
          orderNo: input.orderNo,
          units: clawTarget(rebate, plan.mark.accounted),
        },
      } satisfies Outgoing;
    await this.enqueue(writes, rows);
    if (rebate) await this.deliverRebates();
    await this.flush().catch(() => undefined);
    return { ok: true, replayed: false, taken: plan.taken, shortfall: plan.shortfall, quota: state.balance };
  }

  /** Called by the notifications API: what to mail about, decided here after each settle. */
  async setNotify(userId: number, prefs: NotifyPrefs): Promise<void> {
    const state = await this.load(userId);
    await this.notices.setPrefs(prefs, state.balance);
  }

  async setTokenCap(userId: number, tokenId: number, remain: number | null): Promise<void> {
    await this.load(userId);
    const cap = await this.cap(tokenId);
    cap.remain = remain;
    await this.enqueue({ [`cap:${tokenId}`]: cap }, [{ kind: 'cap', tokenId }]);
    await this.flush().catch(() => undefined);
  }

  async balance(userId: number): Promise<Balance> {
    const state = await this.load(userId);
    return { quota: state.balance, usedQuota: state.used };
  }

  /**
   * The balance against the ledger in one consistent view: with flushes held back, D1's ledger
   * sum plus the rows still queued here must equal the balance, however busy the account is.
   */
  async audit(userId: number): Promise<Audit> {
    await this.load(userId);
    return this.exclusive(async () => {
      try {
        while (await this.flushOnce()) {
          // drain what D1 will take, so the view rests on D1 as far as it can
        }
      } catch (err) {
        return { ok: false, error: `flush failed: ${String(err instanceof Error ? err.message : err).slice(0, 200)}` };
      }
      const inD1 = await ledgerSum(this.db, userId);
      // Read together, in one turn: every change moves the balance and the queued sum at once.
      return { ok: true, balance: this.state!.balance, ledgerInD1: inD1, pending: this.unflushedDelta };
    });
  }

  /**
   * A ledger row for a change just made to the balance, counted as not yet flushed. Called in the
   * same turn as the change, so the balance and the queued sum never disagree.
   */
  protected ledgerRow(
    userId: number,
    tokenId: number | null,
    delta: number,
    reason: LedgerReason,
    note: string | null,
    requestId: string | null,
    orderNo: string | null,
    at: number,
  ): Pending {
    this.unflushedDelta += delta;
    // The uid is fixed now; D1 ignores a repeat of it.
    const entry = {
      uid: crypto.randomUUID(),
      userId,
      tokenId,
      delta,
      balanceAfter: this.state!.balance,
      reason,
      note,
      requestId,
      orderNo,
      createdAt: at,
    };
    return { kind: 'ledger', entry };
  }

  /** Queues rows with the state they changed, in one storage write, and makes sure a flush follows. */
  protected enqueue(writes: Record<string, unknown>, rows: Pending[]): Promise<void> {
    const entries: Record<string, unknown> = { ...writes };
    for (const row of rows) entries[pendingKey(++this.seq)] = row;
    entries.seq = this.seq;
    const written = this.ctx.storage.put(entries);
    return written.then(() => this.scheduleAlarm(FLUSH_DELAY_MS));
  }

  private async scheduleAlarm(delayMs: number): Promise<void> {
    const at = Date.now() + delayMs;
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /** Runs `fn` once per key at a time: a concurrent repeat gets the first call's answer. */
  private once<T extends SettleResult | CreditResult>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    // A caller that only waited for the first made no change of its own: a credit says so.
    if (running) return running.then((r) => ('replayed' in r ? { ...r, replayed: true } : r));
    const p = fn().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(fn, fn);
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  /** One batch to D1, never two at once. Answers true when more rows wait. */
  protected flush(): Promise<boolean> {
    return this.exclusive(() => this.flushOnce());
  }

  private async flushOnce(): Promise<boolean> {
    const queued = await this.ctx.storage.list<Pending>({ prefix: 'pend:', limit: FLUSH_BATCH });
    if (queued.size === 0 || !this.state) return false;
    const rows = [...queued.values()];
    for (const p of rows) if (p.kind === 'cap' && !this.caps.has(p.tokenId)) await this.cap(p.tokenId);
    const plan = flushPlan(this.env.DB, rows, this.state, (id) => this.caps.get(id), this.notedIps, Date.now());
    await this.env.DB.batch(plan.statements);
    if (this.notedIps.size + plan.notedIps.length > 10_000) this.notedIps.clear();
    for (const pair of plan.notedIps) this.notedIps.add(pair);
    // Should this fail, the rows are sent again; D1 ignores their repeats.
    await this.deleteKeys([...queued.keys()]);
    this.unflushedDelta -= plan.ledgerDelta;
    return queued.size === FLUSH_BATCH;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    try {
      let more = false;
      // Keep writing while full batches come back.
      for (let i = 0; i < FLUSHES_PER_ALARM; i++) {
        more = await this.flush();
        if (!more) break;
      }
      this.failedFlushes = 0;
      if (more) await this.scheduleAlarm(50);
    } catch (err) {
      // D1 refused the batch: nothing of it was written. Try again with a growing pause.
      this.failedFlushes += 1;
      console.error(`account flush failed (${this.failedFlushes}):`, err instanceof Error ? err.message : err);
      await this.scheduleAlarm(Math.min(MAX_RETRY_MS, 500 * 2 ** this.failedFlushes));
    }
    await this.notices.onAlarm(this.state?.userId);
    await this.deliverRebates();
    await this.sweep();
  }

  /** Rebate notices to inviters' objects, until each is taken (they ignore repeats); a failure waits for a later alarm. */
  private async deliverRebates(): Promise<void> {
    const out = await this.ctx.storage.list<Outgoing>({ prefix: 'out:' });
    for (const [key, o] of out) {
      try {
        await accountOf(this.env, o.inviterId).rebateNotice(o.notice);
      } catch {
        await this.scheduleAlarm(5_000);
        return;
      }
      // A later take-back may have raised the notice meanwhile: only the one delivered is done.
      const current = await this.ctx.storage.get<Outgoing>(key);
      if (current && current.notice.units === o.notice.units) await this.ctx.storage.delete(key);
    }
  }

  /** Forgets settle marks and credit marks past their time, a bounded amount per sweep. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // Settle marks are keyed by minute, so the stale ones are one range.
    const staleSettles = await this.ctx.storage.list({
      start: 'done:',
      end: `done:${minuteOf(now - SETTLED_TTL_MS)}`,
      limit: SWEEP_LIMIT,
    });
    const stale = [...staleSettles.keys()];
    const credits = await this.ctx.storage.list<CreditMark>({
      prefix: 'cred:',
      startAfter: this.creditCursor,
      limit: 256,
    });
    for (const [key, mark] of credits) if (mark.expiresAt !== null && mark.expiresAt <= now) stale.push(key);
    this.creditCursor = credits.size === 256 ? [...credits.keys()].pop() : undefined;
    await this.deleteKeys(stale);
    // More left over: sweep again at the next alarm rather than in a minute.
    if (staleSettles.size === SWEEP_LIMIT) this.lastSweep = 0;
  }

  /** Storage deletes take at most 128 keys a call. */
  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 128) await this.ctx.storage.delete(keys.slice(i, i + 128));
  }
}
