/**
 * Referrals: the invite link, the rebate kept apart from the balance, moving it to the balance,
 * and withdrawals an operator approves (audited) or rejects. The user's account object holds
 * the rebate and decides every change; D1 keeps the history and the withdrawal requests.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountOf } from '../account/client';
import type { RebateResult } from '../account/rebates';
import { dbOf } from '../db/client';
import {
  insertWithdrawal,
  inviteCodeOf,
  invitedCount,
  rebateHistory,
  recordDecision,
  withdrawalById,
  withdrawalsPage,
  type WithdrawalRow,
} from '../db/referrals';
import { ApiError } from '../lib/errors';
import { audit } from '../security/audit';
import { loadOptions } from '../site/options';
import { publicBase } from './topup';
import { errors, json, jsonBody, router } from './openapi';
import { Iso, Limit, isoOf, isoOrNull, listOf } from './fields';
import { currentUser, requireAdmin, requireSession } from './session';

const PositiveUnits = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const RebateItem = z.object({
  kind: z.enum(['earn', 'clawback', 'transfer', 'withdraw', 'return']),
  units: z.number().int(),
  invitee_id: z.number().int().nullable(),
  order_no: z.string().nullable(),
  withdrawal_id: z.string().nullable(),
  created_at: Iso,
});
const ReferralView = z
  .object({
    enabled: z.boolean(),
    code: z.string(),
    link: z.string(),
    invited: z.number().int(),
    rebate_balance: z.number().int(),
    rebate_total: z.number().int(),
    rebate_held: z.number().int(),
    topup_rebate: z.number(),
    min_withdrawal: z.number().int(),
    items: z.array(RebateItem),
  })
  .openapi('Referrals');
const RebateBalance = z.object({
  rebate_balance: z.number().int(),
  rebate_held: z.number().int(),
  quota: z.number().int(),
});
const WithdrawalView = z
  .object({
    id: z.string(),
    user_id: z.number().int(),
    units: z.number().int(),
    account: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    created_at: Iso,
    decided_at: Iso.nullable(),
    decided_by: z.number().int().nullable(),
    note: z.string().nullable(),
  })
  .openapi('Withdrawal');

const withdrawalView = (w: WithdrawalRow): z.infer<typeof WithdrawalView> => ({
  id: w.id,
  user_id: w.userId,
  units: w.units,
  account: w.account,
  status: w.status,
  created_at: isoOf(w.createdAt),
  decided_at: isoOrNull(w.decidedAt),
  decided_by: w.decidedBy,
  note: w.note,
});

/** The account object's refusal as the API's answer. */
function settled(r: RebateResult): Extract<RebateResult, { ok: true }> {
  if (r.ok) return r;
  if (r.error === 'insufficient') throw new ApiError(400, 'invalid_request', r.message);
  if (r.error === 'not_found') throw new ApiError(404, 'not_found', r.message);
  throw new ApiError(409, 'conflict', r.message);
}

async function decide(c: Context<AppEnv>, id: string, decision: 'approved' | 'rejected', note: string | null) {
  const admin = requireAdmin(c);
  const db = dbOf(c.env.DB);
  const row = await withdrawalById(db, id);
  if (!row) throw new ApiError(404, 'not_found', 'no such withdrawal');
  // The account object decides (a repeat of the same decision is a no-op; the other one is 409), D1 records it.
  const r = settled(await accountOf(c.env, row.userId).decideWithdrawal(id, decision));
  const saved = (await recordDecision(db, id, { status: decision, by: admin.id, note }, Date.now())) ?? row;
  if (!r.replayed) {
    const verb = decision === 'approved' ? 'approve' : 'reject';
    await audit(c, {
      action: `withdrawal.${verb}`,
      target: `withdrawal:${id}`,
      summary: `${verb}d ${row.units} units of rebate for user ${row.userId}${note ? `: ${note}` : ''}`,
    });
  }
  return c.json(withdrawalView(saved), 200);
}

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
/** The body is optional: an operator may add a note. */
const Decision = {
  body: {
    content: { 'application/json': { schema: z.object({ note: z.string().trim().max(500).optional() }).strict() } },
    required: false,
  },
};

export const referralRoutes = router();
referralRoutes.use('/api/referrals', requireSession);
referralRoutes.use('/api/referrals/*', requireSession);

referralRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/referrals',
      tags: ['referrals'],
      summary: 'Your invite link, how many you invited, your rebate and its history',
      responses: { 200: json(ReferralView), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const db = dbOf(c.env.DB);
      const [code, invited, rebate, items, { referral }] = await Promise.all([
        inviteCodeOf(db, me.id),
        invitedCount(db, me.id),
        accountOf(c.env, me.id).rebateView(),
        rebateHistory(db, me.id, 100),
        loadOptions(c.env),
      ]);
      return c.json(
        {
          enabled: referral.enabled,
          code,
          link: `${publicBase(c)}/signup?invite=${code}`,
          invited,
          rebate_balance: rebate.balance,
          rebate_total: rebate.total,
          rebate_held: rebate.held,
          topup_rebate: referral.topup_rebate,
          min_withdrawal: referral.min_withdrawal,
          items: items.map((i) => ({
            kind: i.kind,
            units: i.units,
            invitee_id: i.inviteeId,
            order_no: i.orderNo,
            withdrawal_id: i.withdrawalId,
            created_at: isoOf(i.createdAt),
          })),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/referrals/transfer',
      tags: ['referrals'],
      summary: 'Move rebate to your balance (one `rebate` ledger row)',
      request: jsonBody(z.object({ units: PositiveUnits }).strict()),
      responses: { 200: json(RebateBalance), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const r = settled(await accountOf(c.env, me.id).transferRebate(c.req.valid('json').units));
      return c.json({ rebate_balance: r.rebate.balance, rebate_held: r.rebate.held, quota: r.quota }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/referrals/withdrawals',
      tags: ['referrals'],
      summary: 'Ask for a payout of rebate (at least `min_withdrawal`); the units are held until an operator decides',
      request: jsonBody(z.object({ units: PositiveUnits, account: z.string().trim().min(1).max(200) }).strict()),
      responses: { 201: json(WithdrawalView), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const body = c.req.valid('json');
      const { referral } = await loadOptions(c.env);
      if (body.units < referral.min_withdrawal)
        throw new ApiError(400, 'invalid_request', `units: the least withdrawal is ${referral.min_withdrawal} units`);
      const id = `wd-${crypto.randomUUID()}`;
      settled(await accountOf(c.env, me.id).holdWithdrawal(id, body.units));
      const row = {
        id,
        userId: me.id,
        units: body.units,
        account: body.account,
        status: 'pending' as const,
        createdAt: Date.now(),
        decidedAt: null,
        decidedBy: null,
        note: null,
      };
      await insertWithdrawal(dbOf(c.env.DB), row);
      return c.json(withdrawalView(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/referrals/withdrawals',
      tags: ['referrals'],
      summary: "Withdrawal requests, newest first: your own (an admin: everyone's)",
      request: {
        query: z.object({
          status: z.enum(['pending', 'approved', 'rejected']).optional(),
          user_id: z.coerce.number().int().positive().optional(),
          limit: Limit(200, 100),
        }),
      },
      responses: { 200: json(listOf(WithdrawalView)), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const q = c.req.valid('query');
      const rows = await withdrawalsPage(dbOf(c.env.DB), {
        userId: me.role === 'admin' ? (q.user_id ?? null) : me.id,
        status: q.status,
        limit: q.limit,
      });
      return c.json({ items: rows.map(withdrawalView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/referrals/withdrawals/{id}/approve',
      tags: ['referrals'],
      summary: 'Approve a withdrawal (admin): paid by hand; audited',
      request: { params: IdParam, ...Decision },
      responses: { 200: json(WithdrawalView), 409: json(z.object({}), 'Already rejected'), ...errors },
    }),
    async (c) => decide(c, c.req.valid('param').id, 'approved', c.req.valid('json').note ?? null),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/referrals/withdrawals/{id}/reject',
      tags: ['referrals'],
      summary: 'Reject a withdrawal (admin): its units go back to the rebate balance; audited',
      request: { params: IdParam, ...Decision },
      responses: { 200: json(WithdrawalView), 409: json(z.object({}), 'Already approved'), ...errors },
    }),
    async (c) => decide(c, c.req.valid('param').id, 'rejected', c.req.valid('json').note ?? null),
  );
