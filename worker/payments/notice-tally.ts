/**
 * Refused payment notices, counted: one object per source (`stripe`, `epay`). Anyone can send a
 * forged notice, so a refusal costs no D1 write of its own; the count goes to the events table at
 * most once a minute per source (the first refusal after a quiet minute at once, the rest by alarm),
 * as one `payment_notice_refused` row with how many, why, and the last one's details.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { dbOf, runBatch } from '../db/client';
import { recordEvent } from '../db/events';

export const TALLY_WINDOW_MS = 60_000;

interface TallyState {
  source: string | null;
  /** Every refusal ever counted here. */
  total: number;
  /** Refusals not yet in an event row, by reason. */
  pending: number;
  reasons: Record<string, number>;
  since: number | null;
  last: Record<string, unknown> | null;
  lastEventAt: number | null;
}

export interface TallyView {
  total: number;
  pending: number;
  last_event_at: string | null;
}

const fresh = (): TallyState => ({
  source: null,
  total: 0,
  pending: 0,
  reasons: {},
  since: null,
  last: null,
  lastEventAt: null,
});

/** Attacker-chosen text, cut short. */
const short = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100) : v);

export class NoticeTally extends DurableObject<Env> {
  private state: TallyState = fresh();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<TallyState>('state')) ?? fresh();
    });
  }

  async refused(source: string, reason: string, details: Record<string, unknown>): Promise<void> {
    const s = this.state;
    const now = Date.now();
    s.source = source;
    s.total += 1;
    s.pending += 1;
    const why = reason.slice(0, 80);
    s.reasons[why] = (s.reasons[why] ?? 0) + 1;
    s.since ??= now;
    s.last = Object.fromEntries(Object.entries({ reason: why, ...details }).map(([k, v]) => [k, short(v)]));
    if (s.lastEventAt === null || now - s.lastEventAt >= TALLY_WINDOW_MS) return this.record(now);
    if (s.pending === 1) await this.ctx.storage.setAlarm(s.lastEventAt + TALLY_WINDOW_MS);
    await this.ctx.storage.put('state', s);
  }

  async counts(): Promise<TallyView> {
    const s = this.state;
    return {
      total: s.total,
      pending: s.pending,
      last_event_at: s.lastEventAt === null ? null : new Date(s.lastEventAt).toISOString(),
    };
  }

  override async alarm(): Promise<void> {
    if (this.state.pending > 0) await this.record(Date.now());
  }

  /** Writes the pending count as one event. The window moves before D1 is awaited, so refusals meanwhile wait for the next one. */
  private async record(now: number): Promise<void> {
    const s = this.state;
    const taken = { count: s.pending, reasons: s.reasons, since: s.since, last: s.last };
    const previous = s.lastEventAt;
    Object.assign(s, { pending: 0, reasons: {}, since: null, lastEventAt: now });
    await this.ctx.storage.put('state', s);
    const source = s.source ?? 'unknown';
    const why = Object.entries(taken.reasons)
      .map(([r, n]) => `${r}: ${n}`)
      .join(', ');
    const db = dbOf(this.env.DB);
    try {
      await runBatch(db, [
        recordEvent(
          db,
          'payment_notice_refused',
          `payment:${source}`,
          `${source}: ${taken.count} notice${taken.count === 1 ? '' : 's'} refused (${why})`,
          { ...taken, total: s.total },
          now,
        ),
      ]);
    } catch (err) {
      // Not lost: counted again with the next window's.
      s.pending += taken.count;
      for (const [r, n] of Object.entries(taken.reasons)) s.reasons[r] = (s.reasons[r] ?? 0) + n;
      s.since = taken.since;
      s.lastEventAt = previous;
      await this.ctx.storage.put('state', s);
      await this.ctx.storage.setAlarm(now + TALLY_WINDOW_MS);
      throw err;
    }
  }
}

export const tallyOf = (env: Env, source: 'stripe' | 'epay') =>
  env.NOTICE_TALLY.get(env.NOTICE_TALLY.idFromName(source));
