/**
 * A user's plan subscriptions and their windows, kept in the account object's storage (`sub:<id>`)
 * and in memory once read. The object decides, in reserve, whether a call is held against a plan
 * or the balance, and in settle counts the charge in every window (worker/billing/windows.ts), so
 * calls in flight can never take a window over its limit; windows survive the object's restarts.
 */
import { largestAllowance, holdUnits, type HoldPlan } from '../billing/hold';
import {
  chargeWindows,
  emptyWindow,
  resetsAt,
  roomIn,
  usedIn,
  type WindowName,
  type WindowUse,
} from '../billing/windows';

export interface PlanTerms {
  planId: number;
  name: string;
  periodDays: number;
  models: string[] | null;
  limits: { window: WindowName; units: number }[];
}

export interface Subscription {
  id: string;
  planId: number;
  name: string;
  models: string[] | null;
  startedAt: number;
  endsAt: number;
  windows: WindowUse[];
}

export interface SubscriptionView {
  id: string;
  plan: { id: number; name: string; models: string[] | null };
  started_at: number;
  ends_at: number;
  active: boolean;
  windows: { window: WindowName; used: number; limit: number; resets_at: number | null }[];
}

export const subKey = (id: string) => `sub:${id}`;
const DAY = 86_400_000;

const covers = (s: Subscription, model: string, now: number) =>
  s.startedAt <= now && now < s.endsAt && (s.models === null || s.models.includes(model));

export class AccountPlans {
  private subs: Subscription[] | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  async ready(): Promise<void> {
    if (this.subs) return;
    const stored = await this.storage.list<Subscription>({ prefix: 'sub:' });
    this.subs ??= [...stored.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  private list(): Subscription[] {
    if (!this.subs) throw new Error('plans read before ready()');
    return this.subs;
  }

  byId(id: string): Subscription | undefined {
    return this.list().find((s) => s.id === id);
  }

  /** The subscriptions that cover the model now, oldest first. */
  covering(model: string, now: number): Subscription[] {
    return this.list().filter((s) => covers(s, model, now));
  }

  /**
   * The first covering subscription whose windows have room for the call's hold beside the holds
   * `heldOn` reports, with the allowance it can cover; null when none has room.
   */
  pick(
    model: string,
    plan: HoldPlan,
    heldOn: (subId: string) => number,
    now: number,
  ): { sub: Subscription; allowance: number; units: number } | null {
    for (const sub of this.covering(model, now)) {
      const room = roomIn(sub.windows, heldOn(sub.id), now);
      const allowance = room > 0 ? largestAllowance(plan, room) : null;
      if (allowance !== null) return { sub, allowance, units: holdUnits(plan, allowance) };
    }
    return null;
  }

  /** When the earliest full window among the covering subscriptions has room again. */
  nextRoomAt(model: string, now: number): number | null {
    let at: number | null = null;
    for (const s of this.covering(model, now))
      for (const w of s.windows) {
        const r = resetsAt(w, now);
        if (r !== null && (at === null || r < at)) at = r;
      }
    return at;
  }

  /** Counts what the windows still have room for (all of them, or none); answers that part and the subscription to store. */
  charge(sub: Subscription, units: number, now: number): number {
    return chargeWindows(sub.windows, units, now);
  }

  /**
   * A new subscription: it starts now, or when the last one of the same plan ends (a renewal
   * bought early queues behind it).
   */
  start(id: string, terms: PlanTerms, now: number): Subscription {
    const known = this.byId(id);
    if (known) return known;
    const queued = this.list().filter((s) => s.planId === terms.planId && s.endsAt > now);
    const startedAt = Math.max(now, ...queued.map((s) => s.endsAt));
    const sub: Subscription = {
      id,
      planId: terms.planId,
      name: terms.name,
      models: terms.models,
      startedAt,
      endsAt: startedAt + terms.periodDays * DAY,
      windows: terms.limits.map((l) => emptyWindow(l.window, l.units)),
    };
    this.list().push(sub);
    this.list().sort((a, b) => a.startedAt - b.startedAt);
    return sub;
  }

  /** Subscriptions not yet ended, as the API shows them. */
  view(now: number): SubscriptionView[] {
    return this.list()
      .filter((s) => s.endsAt > now)
      .map((s) => ({
        id: s.id,
        plan: { id: s.planId, name: s.name, models: s.models },
        started_at: s.startedAt,
        ends_at: s.endsAt,
        active: s.startedAt <= now,
        windows: s.windows.map((w) => ({
          window: w.window,
          used: usedIn(w, now),
          limit: w.limit,
          resets_at: resetsAt(w, now),
        })),
      }));
  }
}
