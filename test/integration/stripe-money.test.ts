/** Stripe amounts, sessions and expiry (issue 19): each test failed before its fix. */
import { afterEach, describe, expect, it } from 'vitest';
import { call, createUser, rootJwt } from '../helpers';
import {
  deliverStripe,
  expectLedgerInvariant,
  ledgerOf,
  newOrder,
  refusedTotal,
  stripeOtherSession,
  stripePay,
  stripePaySession,
  stripeSession,
} from '../support/payments';
import type { OrderView } from '../../worker/api/topup';

const balanceOf = async (admin: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt: admin })).body.quota;
const setTopup = (admin: string, topup: Record<string, unknown>) =>
  call<{ topup: Record<string, unknown> }>('PUT', '/api/options', { jwt: admin, body: { topup } });
const DEFAULT_TOPUP = {
  currency: 'CNY',
  price_per_usd: 7.3,
  min_amount: 10,
  tiers: [
    { min_amount: 500, discount: 0.03 },
    { min_amount: 1000, discount: 0.05 },
  ],
  order_expiry_minutes: 120,
};

async function customer() {
  const admin = await rootJwt();
  return { admin, user: await createUser(admin, { quota: 0 }) };
}

afterEach(async () => {
  expect((await setTopup(await rootJwt(), DEFAULT_TOPUP)).status).toBe(200);
});

describe("amounts in the currency's minor units, as Stripe counts them", () => {
  it('a 100 KWD order asks Stripe for 100.000 KWD (thousandths, ending in 0) and credits what 100 KWD buys', async () => {
    const { admin, user } = await customer();
    expect((await setTopup(admin, { currency: 'KWD', price_per_usd: 0.31, min_amount: 1, tiers: [] })).status).toBe(
      200,
    );
    const order = await newOrder(user.jwt, { amount: 100, method: 'stripe' });
    expect(order).toMatchObject({ currency: 'KWD', pay_amount: '100.00', credit: Math.floor((100 / 0.31) * 500000) });
    const sent = await stripeSession(order.order_no);
    expect(sent.params.line_items[0].price_data).toMatchObject({ currency: 'kwd', unit_amount: '100000' });

    expect((await deliverStripe(await stripePay(order.order_no))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
    expect(await ledgerOf(user.id)).toEqual([{ delta: order.credit, reason: 'topup', order_no: order.order_no }]);
  });

  it('a three-decimal amount with cents is sent in thousandths: 12.35 BHD is 12350', async () => {
    const { admin, user } = await customer();
    expect((await setTopup(admin, { currency: 'BHD', price_per_usd: 0.377, min_amount: 1, tiers: [] })).status).toBe(
      200,
    );
    const order = await newOrder(user.jwt, { amount: '12.35', method: 'stripe' });
    expect((await stripeSession(order.order_no)).params.line_items[0].price_data.unit_amount).toBe('12350');
  });

  it('JPY is zero-decimal: 1000 JPY is 1000', async () => {
    const { admin, user } = await customer();
    expect((await setTopup(admin, { currency: 'JPY', price_per_usd: 150, min_amount: 100, tiers: [] })).status).toBe(
      200,
    );
    const order = await newOrder(user.jwt, { amount: 1000, method: 'stripe' });
    expect((await stripeSession(order.order_no)).params.line_items[0].price_data).toMatchObject({
      currency: 'jpy',
      unit_amount: '1000',
    });
    expect((await deliverStripe(await stripePay(order.order_no))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
  });

  it('refuses a currency Stripe does not take, and keeps the one set', async () => {
    const { admin } = await customer();
    const refused = await setTopup(admin, { currency: 'IRR' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('IRR');
    expect(
      (await call<{ topup: { currency: string } }>('GET', '/api/options', { jwt: admin })).body.topup.currency,
    ).toBe('CNY');
    expect((await setTopup(admin, { currency: 'OMR' })).status).toBe(200);
  });
});

describe("the webhook credits only the order's own session", () => {
  it('a signed, paid event for another session with the same client_reference_id credits nothing', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 100, method: 'stripe' });
    const other = await stripeOtherSession(order.order_no, 10000);
    const before = await refusedTotal(admin, 'stripe');
    expect((await deliverStripe(await stripePaySession(other.id))).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(0);
    expect(await ledgerOf(user.id)).toEqual([]);
    expect((await call<OrderView>('GET', `/api/topup/orders/${order.order_no}`, { jwt: user.jwt })).body.status).toBe(
      'pending',
    );
    expect((await refusedTotal(admin, 'stripe')) - before).toBe(1);

    // The order's own session still credits, once.
    const own = await stripePay(order.order_no);
    expect((await deliverStripe(own)).status).toBe(200);
    expect((await deliverStripe(own)).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
  });
});

describe('sessions expire with their order', () => {
  const expiresIn = async (jwt: string) => {
    const order = await newOrder(jwt, { amount: 100, method: 'stripe' });
    const sent = await stripeSession(order.order_no);
    expect(sent.params.expires_at).toBeDefined();
    return Number(sent.params.expires_at) - Date.parse(order.created_at) / 1000;
  };

  it("sets expires_at to the order's expiry, within Stripe's 30 minutes to 24 hours", async () => {
    const { admin, user } = await customer();
    expect(Math.abs((await expiresIn(user.jwt)) - 120 * 60)).toBeLessThanOrEqual(2);
    expect((await setTopup(admin, { order_expiry_minutes: 5 })).status).toBe(200);
    const short = await expiresIn(user.jwt);
    expect(short).toBeGreaterThanOrEqual(30 * 60);
    expect(short).toBeLessThanOrEqual(32 * 60);
    expect((await setTopup(admin, { order_expiry_minutes: 3 * 24 * 60 })).status).toBe(200);
    const long = await expiresIn(user.jwt);
    expect(long).toBeLessThanOrEqual(24 * 3600);
    expect(long).toBeGreaterThanOrEqual(24 * 3600 - 120);
  });
});

describe('after all of it', () => {
  it('every balance equals the sum of its ledger rows', async () => {
    await expectLedgerInvariant(await rootJwt());
  });
});
