/**
 * The account object as bound (`ACCOUNT`): the core (./account.ts: balance, holds, settles,
 * plan windows) plus referral rebates and plan purchases. Each step here reads what it needs,
 * then changes the state and queues its rows in one storage write, one step at a time.
 */
import { AccountCore } from './account';
import {
  REBATE_KEY,
  applyNotice,
  earnKey,
  emptyRebate,
  withdrawalKey,
  type EarnMark,
  type RebateEntry,
  type RebateKind,
  type RebateNotice,
  type RebateResult,
  type RebateState,
  type WithdrawalMark,
} from './rebates';
import { subKey, type PlanTerms, type SubscriptionView } from './plans';
import type { Pending } from './pending';

export type PlanBuy =
  | { ok: true; replayed: boolean; subscription: SubscriptionView; quota: number; by: string | null }
  | { ok: false; error: 'insufficient'; message: string };

export class Account extends AccountCore {
  private rebate: RebateState | undefined;
  private growthTail: Promise<unknown> = Promise.resolve();

  /** One referral or purchase step at a time: each reads its marks, then writes. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.growthTail.then(fn, fn);
    this.growthTail = run.catch(() => undefined);
    return run;
  }

  private async rebateState(userId: number): Promise<RebateState> {
    await this.load(userId);
    this.rebate ??= (await this.ctx.storage.get<RebateState>(REBATE_KEY)) ?? emptyRebate();
    return this.rebate;
  }

  private row(userId: number, kind: RebateKind, units: number, extra: Partial<RebateEntry> = {}): Pending {
    const entry: RebateEntry = {
      uid: crypto.randomUUID(),
      userId,
      kind,
      units,
      inviteeId: null,
      orderNo: null,
      withdrawalId: null,
      createdAt: Date.now(),
      ...extra,
    };
    return { kind: 'rebate', entry };
  }

  private answer(replayed: boolean): RebateResult {
    return { ok: true, replayed, rebate: { ...this.rebate! }, quota: this.state!.balance };
  }

  /** From an invitee's object: an order's rebate, or the share a refund takes back. Once per order and amount. */
  rebateNotice(userId: number, n: RebateNotice): Promise<RebateResult> {
    return this.serial(async () => {
      const r = await this.rebateState(userId);
      const key = earnKey(n.orderNo);
      const applied = applyNotice(await this.ctx.storage.get<EarnMark>(key), n, r.balance);
      if (!applied) return this.answer(true);
      r.balance += applied.earn - applied.claw;
      r.total += applied.earn - applied.claw;
      const rows: Pending[] = [];
      if (applied.earn > 0)
        rows.push(this.row(userId, 'earn', applied.earn, { inviteeId: n.inviteeId, orderNo: n.orderNo }));
      if (applied.claw > 0)
        rows.push(this.row(userId, 'clawback', -applied.claw, { inviteeId: n.inviteeId, orderNo: n.orderNo }));
      await this.enqueue({ [REBATE_KEY]: r, [key]: applied.mark }, rows);
      return this.answer(false);
    });
  }

  /** Rebate to the balance: one `rebate` ledger row. */
  transferRebate(userId: number, units: number): Promise<RebateResult> {
    return this.serial(async () => {
      const r = await this.rebateState(userId);
      if (units > r.balance)
        return { ok: false, error: 'insufficient', message: `units: the rebate balance is ${r.balance}` };
      r.balance -= units;
      this.state!.balance += units;
      const ledger = this.ledgerRow(
        userId,
        null,
        units,
        'rebate',
        'rebate moved to the balance',
        null,
        null,
        Date.now(),
      );
      await this.enqueue({ [REBATE_KEY]: r, state: this.state }, [ledger, this.row(userId, 'transfer', -units)]);
      await this.flush().catch(() => undefined);
      return this.answer(false);
    });
  }

  /** A withdrawal request holds its units until an operator decides; once per id. */
  holdWithdrawal(userId: number, id: string, units: number): Promise<RebateResult> {
    return this.serial(async () => {
      const r = await this.rebateState(userId);
      if (await this.ctx.storage.get<WithdrawalMark>(withdrawalKey(id))) return this.answer(true);
      if (units > r.balance)
        return { ok: false, error: 'insufficient', message: `units: the rebate balance is ${r.balance}` };
      r.balance -= units;
      r.held += units;
      const mark: WithdrawalMark = { units, status: 'pending' };
      await this.enqueue({ [REBATE_KEY]: r, [withdrawalKey(id)]: mark }, [
        this.row(userId, 'withdraw', -units, { withdrawalId: id }),
      ]);
      return this.answer(false);
    });
  }

  /** Approved: the held units are paid out. Rejected: they go back to the rebate balance. A repeat of the same decision changes nothing. */
  decideWithdrawal(userId: number, id: string, decision: 'approved' | 'rejected'): Promise<RebateResult> {
    return this.serial(async () => {
      const r = await this.rebateState(userId);
      const key = withdrawalKey(id);
      const mark = await this.ctx.storage.get<WithdrawalMark>(key);
      if (!mark) return { ok: false, error: 'not_found', message: 'no such withdrawal' };
      if (mark.status === decision) return this.answer(true);
      if (mark.status !== 'pending')
        return { ok: false, error: 'conflict', message: `the withdrawal was already ${mark.status}` };
      r.held -= mark.units;
      const rows: Pending[] = [];
      if (decision === 'rejected') {
        r.balance += mark.units;
        rows.push(this.row(userId, 'return', mark.units, { withdrawalId: id }));
      }
      await this.enqueue({ [REBATE_KEY]: r, [key]: { ...mark, status: decision } }, rows);
      return this.answer(false);
    });
  }

  async rebateView(userId: number): Promise<RebateState> {
    return { ...(await this.rebateState(userId)) };
  }

  /**
   * A plan bought from the balance (one `plan` ledger row; refused when the balance, beside what
   * calls in flight hold, cannot cover it), or started by a paid order (`units` 0: a zero `plan`
   * row shows the purchase in the ledger). Once per id.
   */
  buyPlan(
    userId: number,
    input: { id: string; terms: PlanTerms; units: number; note: string; orderNo: string | null; by?: string },
  ): Promise<PlanBuy> {
    return this.serial(async () => {
      const state = await this.load(userId);
      await this.plans.ready();
      const mark = await this.ctx.storage.get<{ by: string | null }>(`buy:${input.id}`);
      const known = this.plans.byId(input.id);
      if (known && mark)
        return { ok: true, replayed: true, subscription: this.viewOf(input.id), quota: state.balance, by: mark.by };
      const free = state.balance - this.held((r) => r.subId === undefined);
      if (input.units > free)
        return {
          ok: false,
          error: 'insufficient',
          message: `your balance (${state.balance} units, ${state.balance - free} held by calls in flight) cannot cover ${input.units} units`,
        };
      const now = Date.now();
      state.balance -= input.units;
      const sub = this.plans.start(input.id, input.terms, now);
      const row = this.ledgerRow(
        userId,
        null,
        input.units === 0 ? 0 : -input.units,
        'plan',
        input.note,
        null,
        input.orderNo,
        now,
      );
      await this.enqueue({ state, [subKey(sub.id)]: sub, [`buy:${input.id}`]: { by: input.by ?? null } }, [row]);
      await this.flush().catch(() => undefined);
      return {
        ok: true,
        replayed: false,
        subscription: this.viewOf(sub.id),
        quota: state.balance,
        by: input.by ?? null,
      };
    });
  }

  private viewOf(id: string): SubscriptionView {
    const view = this.plans.view(Date.now()).find((v) => v.id === id);
    if (!view) throw new Error(`subscription ${id} has ended`);
    return view;
  }

  async subscriptions(userId: number): Promise<SubscriptionView[]> {
    await this.load(userId);
    await this.plans.ready();
    return this.plans.view(Date.now());
  }
}
