/** Refunds and disputes take the credit back (issue 19): each test failed before the fix. */
import { describe, expect, it } from 'vitest';
import { call, createUser, rootJwt } from '../helpers';
import {
  deliverStripe,
  eventsOf,
  expectLedgerInvariant,
  ledgerOf,
  newOrder,
  stripeDispute,
  stripePay,
  stripeRefund,
} from '../support/payments';

const balanceOf = async (admin: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt: admin })).body.quota;
const eventsAbout = async (kind: string, orderNo: string) =>
  (await eventsOf(kind)).filter((e) => e.message.includes(orderNo));

/** A customer with a paid 100 CNY Stripe order. */
async function paidCustomer() {
  const admin = await rootJwt();
  const user = await createUser(admin, { quota: 0 });
  const order = await newOrder(user.jwt, { amount: 100, method: 'stripe' });
  expect((await deliverStripe(await stripePay(order.order_no))).status).toBe(200);
  expect(await balanceOf(admin, user.id)).toBe(order.credit);
  return { admin, user, order };
}

/** Spends the balance down to `left` units. */
async function spendTo(admin: string, userId: number, left: number) {
  const now = await balanceOf(admin, userId);
  const res = await call('POST', `/api/users/${userId}/quota`, {
    jwt: admin,
    body: { delta: left - now, note: 'spent' },
  });
  expect(res.status).toBe(200);
}

describe('charge.refunded', () => {
  it('pay, spend most, refund in full: the balance goes to zero, never below, and the shortfall is recorded; a repeat changes nothing', async () => {
    const { admin, user, order } = await paidCustomer();
    await spendTo(admin, user.id, 1000);
    const refund = await stripeRefund(order.order_no);
    expect((await deliverStripe(refund)).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(0);
    const rows = await ledgerOf(user.id);
    expect(rows.filter((r) => r.reason === 'refund')).toEqual([
      { delta: -1000, reason: 'refund', order_no: order.order_no },
    ]);
    expect(await eventsAbout('order_refund', order.order_no)).toHaveLength(1);
    const shortfall = await eventsAbout('refund_shortfall', order.order_no);
    expect(shortfall).toHaveLength(1);
    expect(shortfall[0].message).toContain(String(order.credit - 1000));

    await Promise.all([deliverStripe(refund), deliverStripe(refund), deliverStripe(refund)]);
    expect(await balanceOf(admin, user.id)).toBe(0);
    expect(await ledgerOf(user.id)).toEqual(rows);
    expect(await eventsAbout('order_refund', order.order_no)).toHaveLength(1);
    expect(await eventsAbout('refund_shortfall', order.order_no)).toHaveLength(1);
  });

  it('a partial refund takes back its share of the credit; a second one the share it adds', async () => {
    const { admin, user, order } = await paidCustomer();
    const quarter = Math.floor(order.credit / 4);
    expect((await deliverStripe(await stripeRefund(order.order_no, 2500))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(order.credit - quarter);
    expect((await deliverStripe(await stripeRefund(order.order_no, 2500))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(order.credit - Math.floor(order.credit / 2));
    const refunds = (await ledgerOf(user.id)).filter((r) => r.reason === 'refund');
    expect(refunds.map((r) => r.delta)).toEqual([-quarter, -(Math.floor(order.credit / 2) - quarter)]);
    expect(await eventsAbout('refund_shortfall', order.order_no)).toHaveLength(0);
  });
});

describe('charge.dispute.created', () => {
  it('a dispute after spending takes back what is left, records the shortfall, and counts once', async () => {
    const { admin, user, order } = await paidCustomer();
    await spendTo(admin, user.id, 5000);
    const dispute = await stripeDispute(order.order_no);
    expect((await deliverStripe(dispute)).status).toBe(200);
    expect((await deliverStripe(dispute)).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(0);
    expect((await ledgerOf(user.id)).filter((r) => r.reason === 'refund')).toEqual([
      { delta: -5000, reason: 'refund', order_no: order.order_no },
    ]);
    const events = await eventsAbout('order_refund', order.order_no);
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain('dispute');
    expect(await eventsAbout('refund_shortfall', order.order_no)).toHaveLength(1);
  });

  it('a refund after a full dispute takes nothing more', async () => {
    const { admin, user, order } = await paidCustomer();
    expect((await deliverStripe(await stripeDispute(order.order_no))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(0);
    await call('POST', `/api/users/${user.id}/quota`, { jwt: admin, body: { delta: 777, note: 'goodwill' } });
    expect((await deliverStripe(await stripeRefund(order.order_no))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(777);
  });
});

describe('after all of it', () => {
  it('every balance equals the sum of its ledger rows', async () => {
    await expectLedgerInvariant(await rootJwt());
  });
});
