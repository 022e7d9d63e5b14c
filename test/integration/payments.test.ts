import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, createUser, rootJwt } from '../helpers';
import {
  deliverEpay,
  deliverStripe,
  epayNotice,
  eventsOf,
  ledgerOf,
  newOrder,
  openEpayPage,
  stripePay,
  stripeSign,
  expectLedgerInvariant,
  refusedTotal,
} from '../support/payments';
import type { OrderView } from '../../worker/api/topup';

const balanceOf = async (admin: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt: admin })).body.quota;
const orderOf = async (jwt: string, no: string) =>
  (await call<OrderView>('GET', `/api/topup/orders/${no}`, { jwt })).body;

async function customer() {
  const admin = await rootJwt();
  const user = await createUser(admin, { quota: 0 });
  return { admin, user };
}

describe('quotes and discounts', () => {
  it('applies the highest tier the amount reaches, exact to the cent, from exactly min_amount', async () => {
    const { user } = await customer();
    const q = async (amount: number | string) =>
      call<{ amount: string; pay_amount: string; discount: number; credit: number; methods: string[] }>(
        'GET',
        `/api/topup/quote?amount=${amount}`,
        { jwt: user.jwt },
      );
    const small = await q('499.99');
    expect(small.body).toMatchObject({ amount: '499.99', pay_amount: '499.99', discount: 0 });
    expect(small.body.methods.sort()).toEqual(['epay', 'stripe']);
    expect((await q(500)).body).toMatchObject({
      pay_amount: '485.00',
      discount: 0.03,
      credit: Math.floor((500 / 7.3) * 500000),
    });
    expect((await q('999.99')).body).toMatchObject({ pay_amount: '969.99', discount: 0.03 }); // 969.9903 rounds down
    expect((await q(1000)).body).toMatchObject({ pay_amount: '950.00', discount: 0.05 });
    expect((await q('10.00')).status).toBe(200);
    expect((await q('9.99')).status).toBe(400);
    expect((await q('10.001')).status).toBe(400);
    expect((await q('-5')).status).toBe(400);
  });

  it('refuses a method that is not set up and an amount under the least top-up, creating nothing', async () => {
    const { user } = await customer();
    const bad = await call<{ error: { code: string } }>('POST', '/api/topup', {
      jwt: user.jwt,
      body: { amount: 50, method: 'paypal' },
    });
    expect(bad.status).toBe(400);
    const tooSmall = await call('POST', '/api/topup', { jwt: user.jwt, body: { amount: 5, method: 'epay' } });
    expect(tooSmall.status).toBe(400);
    const list = await call<{ items: unknown[] }>('GET', '/api/topup/orders', { jwt: user.jwt });
    expect(list.body.items).toHaveLength(0);
  });
});

describe('Stripe checkout', () => {
  it('creates a Checkout Session, credits a verified paid event once however often it comes, and records who paid', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 500, method: 'stripe' });
    expect(order).toMatchObject({
      status: 'pending',
      amount: '500.00',
      pay_amount: '485.00',
      currency: 'CNY',
      method: 'stripe',
    });
    expect(order.order_no).toMatch(/^TP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(order.pay_url).toContain('/stripe/pay/cs_test_');

    const event = await stripePay(order.order_no);
    const answers = await Promise.all([
      deliverStripe(event),
      deliverStripe(event),
      deliverStripe(event),
      deliverStripe(event),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect((await deliverStripe(event)).status).toBe(200);

    expect(await balanceOf(admin, user.id)).toBe(order.credit);
    expect(await ledgerOf(user.id)).toEqual([{ delta: order.credit, reason: 'topup', order_no: order.order_no }]);
    const paid = await orderOf(user.jwt, order.order_no);
    expect(paid).toMatchObject({ status: 'paid', completed_by: 'provider' });
    expect(paid.provider_ref).toMatch(/^pi_/);
    expect(paid.paid_at).not.toBeNull();
  });

  it('refuses a forged or stale signature with 400 and a paid amount that differs, crediting nothing and counting each', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 100, method: 'stripe' });
    const event = await stripePay(order.order_no);
    const before = await refusedTotal(admin, 'stripe');

    const forged = {
      payload: event.payload,
      signature: await stripeSign(event.payload, { secret: 'whsec_someone_else' }),
    };
    expect((await deliverStripe(forged)).status).toBe(400);
    const stale = {
      payload: event.payload,
      signature: await stripeSign(event.payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    };
    expect((await deliverStripe(stale)).status).toBe(400);
    const tampered = {
      payload: event.payload.replace('"amount_total":10000', '"amount_total":1'),
      signature: event.signature,
    };
    expect(tampered.payload).not.toBe(event.payload);
    expect((await deliverStripe(tampered)).status).toBe(400);
    const short = await stripePay(order.order_no, { amount_total: 9999 });
    expect((await deliverStripe(short)).status).toBe(200);

    expect(await balanceOf(admin, user.id)).toBe(0);
    expect(await ledgerOf(user.id)).toEqual([]);
    expect((await orderOf(user.jwt, order.order_no)).status).toBe('pending');
    expect((await refusedTotal(admin, 'stripe')) - before).toBe(4);
    expect((await eventsOf('payment_notice_refused')).length).toBeGreaterThan(0);

    // The honest event still credits afterwards.
    expect((await deliverStripe(event)).status).toBe(200);
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
  });
});

describe('Epay', () => {
  it('sends the customer to submit.php with a signature the gateway accepts, and credits a signed notice once', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: '88.88', method: 'epay', pay_type: 'wxpay' });
    const pay = new URL(order.pay_url ?? '');
    expect(pay.pathname).toBe('/epay/submit.php');
    expect(Object.fromEntries(pay.searchParams)).toMatchObject({
      pid: '1001',
      type: 'wxpay',
      out_trade_no: order.order_no,
      money: '88.88',
      sign_type: 'MD5',
      notify_url: 'http://relay.test/api/payments/epay/notify',
    });
    const page = await openEpayPage(order.pay_url ?? '');
    expect(page.status).toBe(200);

    const notice = await epayNotice(order.order_no);
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliverEpay(notice)));
    expect(answers.map((a) => a.text)).toEqual(Array(10).fill('success'));
    expect((await deliverEpay(notice)).text).toBe('success');
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
    expect(await ledgerOf(user.id)).toEqual([{ delta: order.credit, reason: 'topup', order_no: order.order_no }]);
    expect(await orderOf(user.jwt, order.order_no)).toMatchObject({
      status: 'paid',
      completed_by: 'provider',
      provider_ref: notice.trade_no,
    });
  });

  it('answers anything but success to a wrong signature, merchant or amount, credits nothing, and counts it', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 50, method: 'epay' });
    await openEpayPage(order.pay_url ?? '');
    const before = await refusedTotal(admin, 'epay');
    const bad = [
      await epayNotice(order.order_no, { __key: 'not-the-merchant-key' }),
      await epayNotice(order.order_no, { pid: '2002' }),
      await epayNotice(order.order_no, { money: '0.01' }),
      { ...(await epayNotice(order.order_no)), money: '0.01' },
    ];
    for (const params of bad) expect((await deliverEpay(params)).text).not.toBe('success');
    expect(await balanceOf(admin, user.id)).toBe(0);
    expect((await refusedTotal(admin, 'epay')) - before).toBe(4);
    expect((await orderOf(user.jwt, order.order_no)).status).toBe('pending');
  });

  it('credits an order that expired and was paid at the gateway afterwards, once', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 20, method: 'epay' });
    await openEpayPage(order.pay_url ?? '');
    // Three hours old: past the default two hours.
    await env.DB.prepare('UPDATE orders SET created_at = created_at - 10800000 WHERE order_no = ?')
      .bind(order.order_no)
      .run();
    const run = await call<{ runs: { job: string; rows: number }[] }>('POST', '/api/maintenance/run', {
      jwt: admin,
      body: { jobs: ['orders'] },
    });
    expect(run.body.runs[0]).toMatchObject({ job: 'orders' });
    expect(run.body.runs[0].rows).toBeGreaterThanOrEqual(1);
    expect((await orderOf(user.jwt, order.order_no)).status).toBe('expired');
    const notice = await epayNotice(order.order_no);
    expect((await deliverEpay(notice)).text).toBe('success');
    expect((await deliverEpay(notice)).text).toBe('success');
    expect((await orderOf(user.jwt, order.order_no)).status).toBe('paid');
    expect(await ledgerOf(user.id)).toHaveLength(1);
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
  });
});

describe('late deposits, by hand', () => {
  it('an operator completing an order while the notice arrives leaves one credit; a second completion answers 409', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 30, method: 'epay' });
    await openEpayPage(order.pay_url ?? '');
    const notice = await epayNotice(order.order_no);
    const [manual, gateway] = await Promise.all([
      call<OrderView>('POST', `/api/topup/orders/${order.order_no}/complete`, {
        jwt: admin,
        body: { note: 'customer sent the receipt' },
      }),
      deliverEpay(notice),
    ]);
    expect(gateway.text).toBe('success');
    expect([200, 409]).toContain(manual.status);
    expect(await ledgerOf(user.id)).toHaveLength(1);
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
    const again = await call<{ error: { code: string } }>('POST', `/api/topup/orders/${order.order_no}/complete`, {
      jwt: admin,
      body: { note: 'again' },
    });
    expect(again.status).toBe(409);
    expect(await ledgerOf(user.id)).toHaveLength(1);
  });

  it('an operator finds an order by its number as read aloud, checks it with the gateway, and completes it', async () => {
    const { admin, user } = await customer();
    const order = await newOrder(user.jwt, { amount: 40, method: 'epay' });
    await openEpayPage(order.pay_url ?? '');
    const spoken = order.order_no.toLowerCase().replace(/-/g, ' ');
    const found = await call<OrderView>('GET', `/api/topup/orders/${encodeURIComponent(spoken)}`, { jwt: admin });
    expect(found.body.order_no).toBe(order.order_no);
    const unpaid = await call<OrderView>('POST', `/api/topup/orders/${order.order_no}/check`, { jwt: admin });
    expect(unpaid.body.status).toBe('pending');
    await epayNotice(order.order_no); // the gateway now has it paid; its notice never reached us
    const checked = await call<OrderView>('POST', `/api/topup/orders/${order.order_no}/check`, { jwt: admin });
    expect(checked.body).toMatchObject({ status: 'paid', completed_by: 'provider' });
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
    // A customer may not complete or check orders, nor see another's.
    const other = await createUser(admin, { quota: 0 });
    expect((await call('GET', `/api/topup/orders/${order.order_no}`, { jwt: other.jwt })).status).toBe(404);
    expect(
      (await call('POST', `/api/topup/orders/${order.order_no}/complete`, { jwt: user.jwt, body: { note: 'me' } }))
        .status,
    ).toBe(403);
  });
});

describe('after all of it', () => {
  it('every balance equals the sum of its ledger rows', async () => {
    await expectLedgerInvariant(await rootJwt());
  });
});
