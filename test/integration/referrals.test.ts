/** Referrals with top-up rebates (issue 23). */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, createUser, rootJwt, waitFor } from '../helpers';
import {
  deliverEpay,
  deliverStripe,
  epayNotice,
  expectLedgerInvariant,
  ledgerOf,
  newOrder,
  openEpayPage,
  stripePay,
  stripeRefund,
} from '../support/payments';
import { expectRebateInvariant, randomIp, referralOptions, referralsOf, signUp } from '../support/growth';

const RATE = 0.05;
const rebateFor = (credit: number) => Math.floor(credit * RATE);

/** An Epay order submitted at the gateway, with its signed paid notice. */
async function epayOrder(jwt: string, amount: number | string) {
  const order = await newOrder(jwt, { amount, method: 'epay' });
  await openEpayPage(order.pay_url ?? '');
  return { order, notice: await epayNotice(order.order_no) };
}

async function inviterAndInvitee() {
  await referralOptions({ enabled: true, topup_rebate: RATE, min_withdrawal: 1000 });
  const admin = await rootJwt();
  const inviter = await createUser(admin, { quota: 0 });
  const { code, link } = await referralsOf(inviter.jwt);
  expect(link).toBe(`http://relay.test/signup?invite=${code}`);
  const invitee = await signUp({ invite: code });
  return { admin, inviter, invitee, code };
}

describe('rebates', () => {
  it('a paid order earns the inviter floor(credit * rate) once, under repeated and concurrent notices and a manual completion, kept apart from the balance', async () => {
    const { admin, inviter, invitee } = await inviterAndInvitee();
    const { order: epay, notice } = await epayOrder(invitee.jwt, '88.88');
    const manual = call('POST', `/api/topup/orders/${epay.order_no}/complete`, {
      jwt: admin,
      body: { note: 'bank slip' },
    });
    const [answers] = await Promise.all([Promise.all(Array.from({ length: 10 }, () => deliverEpay(notice))), manual]);
    expect(answers.every((a) => a.text === 'success')).toBe(true);
    expect((await deliverEpay(notice)).text).toBe('success');

    const stripe = await newOrder(invitee.jwt, { amount: 100, method: 'stripe' });
    const event = await stripePay(stripe.order_no);
    await Promise.all(Array.from({ length: 6 }, () => deliverStripe(event)));
    expect(
      (await call('POST', `/api/topup/orders/${stripe.order_no}/complete`, { jwt: admin, body: { note: 'late' } }))
        .status,
    ).toBe(409);

    const expected = rebateFor(epay.credit) + rebateFor(stripe.credit);
    const view = await referralsOf(inviter.jwt);
    expect(view).toMatchObject({ invited: 1, rebate_balance: expected, rebate_total: expected, rebate_held: 0 });
    await waitFor(async () => (await referralsOf(inviter.jwt)).items.length === 2);
    const items = (await referralsOf(inviter.jwt)).items;
    expect(items.map((i) => [i.kind, i.order_no, i.units]).sort()).toEqual(
      [
        ['earn', epay.order_no, rebateFor(epay.credit)],
        ['earn', stripe.order_no, rebateFor(stripe.credit)],
      ].sort(),
    );
    // Kept apart: the inviter's balance and ledger did not move; the invitee's has one row per order.
    expect((await call<{ quota: number }>('GET', `/api/users/${inviter.id}`, { jwt: admin })).body.quota).toBe(0);
    expect(await ledgerOf(inviter.id)).toEqual([]);
    expect((await ledgerOf(invitee.id)).map((r) => r.reason)).toEqual(['topup', 'topup']);
    await expectRebateInvariant(inviter.jwt, inviter.id);
  });

  it('codes and admin credits earn nothing, and neither does anything with referrals turned off', async () => {
    const { admin, inviter, invitee } = await inviterAndInvitee();
    expect(
      (await call('POST', `/api/users/${invitee.id}/quota`, { jwt: admin, body: { delta: 5_000_000, note: 'gift' } }))
        .status,
    ).toBe(200);
    const codes = await call<{ codes: string[] }>('POST', '/api/redemptions', {
      jwt: admin,
      body: { count: 1, quota: 5_000_000 },
    });
    expect(
      (await call('POST', '/api/redemptions/redeem', { jwt: invitee.jwt, body: { code: codes.body.codes[0] } })).status,
    ).toBe(200);
    await referralOptions({ enabled: false });
    expect((await deliverEpay((await epayOrder(invitee.jwt, 50)).notice)).text).toBe('success');
    expect((await referralsOf(inviter.jwt)).rebate_balance).toBe(0);
  });

  it('a refund takes the refunded share of the rebate back, once, even after part was moved to the balance', async () => {
    const { inviter, invitee } = await inviterAndInvitee();
    const order = await newOrder(invitee.jwt, { amount: 100, method: 'stripe' });
    expect((await deliverStripe(await stripePay(order.order_no))).status).toBe(200);
    const rebate = rebateFor(order.credit);
    expect((await referralsOf(inviter.jwt)).rebate_balance).toBe(rebate);

    const quarter = await stripeRefund(order.order_no, 2500);
    await Promise.all([deliverStripe(quarter), deliverStripe(quarter), deliverStripe(quarter)]);
    const afterQuarter = rebate - Math.floor(rebate / 4);
    expect((await referralsOf(inviter.jwt)).rebate_balance).toBe(afterQuarter);

    // Most of what is left goes to the balance; the rest of the refund can take back only what remains.
    expect(
      (await call('POST', '/api/referrals/transfer', { jwt: inviter.jwt, body: { units: afterQuarter - 10 } })).status,
    ).toBe(200);
    expect((await deliverStripe(await stripeRefund(order.order_no))).status).toBe(200);
    const view = await referralsOf(inviter.jwt);
    expect(view.rebate_balance).toBe(0);
    await waitFor(async () => (await referralsOf(inviter.jwt)).items.filter((i) => i.kind === 'clawback').length === 2);
    const claws = (await referralsOf(inviter.jwt)).items
      .filter((i) => i.kind === 'clawback')
      .map((i) => i.units)
      .sort((a, b) => a - b);
    expect(claws).toEqual([-10, -Math.floor(rebate / 4)].sort((a, b) => a - b));
    await expectRebateInvariant(inviter.jwt, inviter.id);
  });

  it('self-referral earns nothing: the same mailbox however spelt, or the same sign-up IP', async () => {
    await referralOptions({ enabled: true, topup_rebate: RATE, min_withdrawal: 1000 });
    const ip = randomIp();
    const local = `self${Date.now().toString(36)}`;
    const inviter = await signUp({ email: `${local}@gmail.com`, ip });
    const { code } = await referralsOf(inviter.jwt);
    // The inviter's confirmed mailbox cannot sign up again at all.
    const again = await call('POST', '/api/auth/register', {
      body: {
        username: `${local}x`,
        password: 'password-123',
        email: `${local.slice(0, 2)}.${local.slice(2)}+b@googlemail.com`,
        invite_code: code,
      },
    });
    expect(again.status).toBe(409);
    // An address the inviter is changing to (pending) reserves nothing, but an invitee with it earns nothing.
    const pending = `${local}new@example.test`;
    expect(
      (
        await call('PUT', '/api/notifications', {
          jwt: inviter.jwt,
          body: { email: pending, current_password: inviter.password },
        })
      ).status,
    ).toBe(200);
    const sameBox = await signUp({ invite: code, email: `${local}new+tag@example.test` });
    const sameIp = await signUp({ invite: code, ip });
    const honest = await signUp({ invite: code });
    for (const u of [sameBox, sameIp, honest])
      expect((await deliverEpay((await epayOrder(u.jwt, 20)).notice)).text).toBe('success');
    const view = await referralsOf(inviter.jwt);
    expect(view.invited).toBe(3);
    expect(view.rebate_balance).toBe(rebateFor(Math.floor((20 / 7.3) * 500000)));
  });

  it('withdrawals hold their units until approved (audited) or rejected (units back); the ledgers add up after all of it', async () => {
    const { admin, inviter, invitee } = await inviterAndInvitee();
    const { order, notice } = await epayOrder(invitee.jwt, 200);
    expect((await deliverEpay(notice)).text).toBe('success');
    const rebate = rebateFor(order.credit);

    expect(
      (
        await call('POST', '/api/referrals/withdrawals', {
          jwt: inviter.jwt,
          body: { units: 999, account: 'alipay: a@b.c' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/api/referrals/withdrawals', {
          jwt: inviter.jwt,
          body: { units: rebate + 1, account: 'alipay: a@b.c' },
        })
      ).status,
    ).toBe(400);
    const first = await call<{ id: string; status: string }>('POST', '/api/referrals/withdrawals', {
      jwt: inviter.jwt,
      body: { units: 5000, account: 'alipay: a@b.c' },
    });
    expect([first.status, first.body.status]).toEqual([201, 'pending']);
    expect(await referralsOf(inviter.jwt)).toMatchObject({ rebate_balance: rebate - 5000, rebate_held: 5000 });

    expect(
      (await call('POST', `/api/referrals/withdrawals/${first.body.id}/reject`, { jwt: inviter.jwt })).status,
    ).toBe(403);
    const rejected = await Promise.all(
      [1, 2, 3].map(() =>
        call<{ status: string }>('POST', `/api/referrals/withdrawals/${first.body.id}/reject`, {
          jwt: admin,
          body: { note: 'wrong account' },
        }),
      ),
    );
    expect(rejected.map((r) => [r.status, r.body.status])).toEqual([
      [200, 'rejected'],
      [200, 'rejected'],
      [200, 'rejected'],
    ]);
    expect(await referralsOf(inviter.jwt)).toMatchObject({ rebate_balance: rebate, rebate_held: 0 });
    expect((await call('POST', `/api/referrals/withdrawals/${first.body.id}/approve`, { jwt: admin })).status).toBe(
      409,
    );

    const second = await call<{ id: string }>('POST', '/api/referrals/withdrawals', {
      jwt: inviter.jwt,
      body: { units: 7000, account: 'bank 6222' },
    });
    const listed = await call<{ items: { id: string; status: string }[] }>(
      'GET',
      '/api/referrals/withdrawals?status=pending',
      { jwt: admin },
    );
    expect(listed.body.items.map((w) => w.id)).toContain(second.body.id);
    expect(
      (await call<{ status: string }>('POST', `/api/referrals/withdrawals/${second.body.id}/approve`, { jwt: admin }))
        .body.status,
    ).toBe('approved');
    expect((await call('POST', `/api/referrals/withdrawals/${second.body.id}/reject`, { jwt: admin })).status).toBe(
      409,
    );
    expect(await referralsOf(inviter.jwt)).toMatchObject({
      rebate_balance: rebate - 7000,
      rebate_held: 0,
      rebate_total: rebate,
    });
    const audits = await env.DB.prepare('SELECT action, target FROM audit_log WHERE target IN (?, ?) ORDER BY id')
      .bind(`withdrawal:${first.body.id}`, `withdrawal:${second.body.id}`)
      .all<{ action: string }>();
    expect(audits.results.map((a) => a.action)).toEqual(['withdrawal.reject', 'withdrawal.approve']);

    const transfer = await call<{ quota: number; rebate_balance: number }>('POST', '/api/referrals/transfer', {
      jwt: inviter.jwt,
      body: { units: 3000 },
    });
    expect(transfer.body).toMatchObject({ quota: 3000, rebate_balance: rebate - 10_000 });
    expect((await call('POST', '/api/referrals/transfer', { jwt: inviter.jwt, body: { units: rebate } })).status).toBe(
      400,
    );
    await waitFor(async () => (await ledgerOf(inviter.id)).length === 1);
    expect(await ledgerOf(inviter.id)).toEqual([{ delta: 3000, reason: 'rebate', order_no: null }]);
    await expectRebateInvariant(inviter.jwt, inviter.id);
    await expectLedgerInvariant(admin);
  });
});
