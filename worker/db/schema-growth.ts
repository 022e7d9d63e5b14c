/** Referrals and plans (issue 23): mirrors and histories of what the account objects decide, and the plan catalogue. */
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const REBATE_KINDS = ['earn', 'clawback', 'transfer', 'withdraw', 'return'] as const;

/** Every change of a user's rebate balance, signed: the units add up to the rebate balance plus what withdrawals hold. */
export const rebates = sqliteTable(
  'rebates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid').notNull(),
    userId: integer('user_id').notNull(),
    kind: text('kind', { enum: REBATE_KINDS }).notNull(),
    units: integer('units').notNull(),
    inviteeId: integer('invitee_id'),
    orderNo: text('order_no'),
    withdrawalId: text('withdrawal_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('rebates_uid').on(t.uid), index('rebates_user').on(t.userId, t.id)],
);

export const withdrawals = sqliteTable(
  'withdrawals',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id').notNull(),
    units: integer('units').notNull(),
    /** Where the customer wants the payout sent, as they wrote it. */
    account: text('account').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    decidedAt: integer('decided_at'),
    decidedBy: integer('decided_by'),
    note: text('note'),
  },
  (t) => [index('withdrawals_status').on(t.status, t.createdAt), index('withdrawals_user').on(t.userId, t.createdAt)],
);

export interface PlanLimit {
  window: '5h' | '1d' | '7d' | '30d';
  units: number;
}

export const plans = sqliteTable('plans', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** In the top-up currency, a decimal string. */
  price: text('price').notNull(),
  periodDays: integer('period_days').notNull(),
  models: text('models', { mode: 'json' }).$type<string[] | null>(),
  limits: text('limits', { mode: 'json' }).$type<PlanLimit[]>().notNull(),
  /** A deleted plan stops being sold; its subscriptions run to their end. */
  onSale: integer('on_sale', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** A mirror of the subscriptions the account objects start (they hold the windows). */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id').notNull(),
    planId: integer('plan_id').notNull(),
    price: text('price').notNull(),
    currency: text('currency').notNull(),
    /** What it cost in units (the `plan` ledger row's size when bought from the balance). */
    units: integer('units').notNull(),
    method: text('method', { enum: ['balance', 'stripe', 'epay'] }).notNull(),
    orderNo: text('order_no'),
    startedAt: integer('started_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('subscriptions_user').on(t.userId, t.startedAt)],
);
