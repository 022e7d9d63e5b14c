import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, chatBody, createUser, rootJwt, setupCustomer, waitFor } from '../helpers';
import {
  deliverEpay,
  epayNotice,
  eventsOf,
  ledgerOf,
  newOrder,
  openEpayPage,
  expectLedgerInvariant,
} from '../support/payments';

const balanceOf = async (admin: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt: admin })).body.quota;
const groupOf = async (admin: string, id: number) =>
  (await call<{ group: string }>('GET', `/api/users/${id}`, { jwt: admin })).body.group;

async function makeCodes(admin: string, body: Record<string, unknown>): Promise<string[]> {
  const res = await call<{ codes: string[] }>('POST', '/api/redemptions', { jwt: admin, body });
  expect(res.status).toBe(201);
  return res.body.codes;
}

describe('redemption codes', () => {
  it('a code tried by 20 customers at the same moment credits exactly one of them, once', async () => {
    const admin = await rootJwt();
    const [code] = await makeCodes(admin, { count: 1, quota: 25_000, name: 'launch' });
    expect(code).toMatch(/^[A-Za-z0-9]{32}$/);
    // One after another: 20 parallel logins from one IP are throttled, as guessing would be.
    const users = [];
    for (let i = 0; i < 20; i++) users.push(await createUser(admin, { quota: 0 }));
    const answers = await Promise.all(
      users.map((u) =>
        call<{ error?: { code: string } }>('POST', '/api/redemptions/redeem', { jwt: u.jwt, body: { code } }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error?.code === 'code_used')).toBe(true);
    const winner = users[answers.findIndex((a) => a.status === 200)];
    const balances = await Promise.all(users.map((u) => balanceOf(admin, u.id)));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(25_000);
    expect(await ledgerOf(winner.id)).toEqual([{ delta: 25_000, reason: 'redeem', order_no: null }]);
    const list = await call<{ items: { code: string; used_by: number | null; name: string | null }[] }>(
      'GET',
      '/api/redemptions',
      { jwt: admin },
    );
    const row = list.body.items.find((r) => r.name === 'launch');
    expect(row?.used_by).toBe(winner.id);
    expect(row?.code).not.toContain(code.slice(6));
  });

  it('the same customer redeeming one code 20 times at once is credited once', async () => {
    const admin = await rootJwt();
    const [code] = await makeCodes(admin, { count: 1, quota: 7_000 });
    const user = await createUser(admin, { quota: 0 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/api/redemptions/redeem', { jwt: user.jwt, body: { code } })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(await balanceOf(admin, user.id)).toBe(7_000);
    expect(await ledgerOf(user.id)).toHaveLength(1);
  });

  it('answers invalid_code for an unknown or expired code, and stores none in clear', async () => {
    const admin = await rootJwt();
    const user = await createUser(admin, { quota: 0 });
    const [expired] = await makeCodes(admin, {
      count: 1,
      quota: 100,
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    const unknown = await call<{ error: { code: string } }>('POST', '/api/redemptions/redeem', {
      jwt: user.jwt,
      body: { code: 'X'.repeat(32) },
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'invalid_code']);
    await new Promise((r) => setTimeout(r, 1600));
    const late = await call<{ error: { code: string } }>('POST', '/api/redemptions/redeem', {
      jwt: user.jwt,
      body: { code: expired },
    });
    expect([late.status, late.body.error.code]).toEqual([400, 'invalid_code']);
    const { results } = await env.DB.prepare('SELECT code_hash FROM redemption_codes').all<{ code_hash: string }>();
    expect(results.some((r) => r.code_hash.includes(expired))).toBe(false);
    expect((await call('POST', '/api/redemptions', { jwt: user.jwt, body: { count: 1, quota: 1 } })).status).toBe(403);
  });
});

describe('enterprise promotion', () => {
  it('moves a customer whose paid top-ups reach the threshold, sets up the group on every default channel, and discounts the next top-up', async () => {
    const { admin, user, token, model } = await setupCustomer({ quota: 0 });
    await call('PUT', '/api/options', { jwt: admin, body: { topup: { enterprise: { min_total_topup: 100 } } } });
    const first = await newOrder(user.jwt, { amount: '99.99', method: 'epay' });
    await openEpayPage(first.pay_url ?? '');
    expect((await deliverEpay(await epayNotice(first.order_no))).text).toBe('success');
    expect(await groupOf(admin, user.id)).toBe('default'); // 99.99 is short of 100

    const second = await newOrder(user.jwt, { amount: '0.01', method: 'epay' }).catch(() => null);
    expect(second).toBeNull(); // under the least top-up
    const third = await newOrder(user.jwt, { amount: 10, method: 'epay' });
    await openEpayPage(third.pay_url ?? '');
    expect((await deliverEpay(await epayNotice(third.order_no))).text).toBe('success');
    expect(await groupOf(admin, user.id)).toBe('enterprise');
    expect((await eventsOf('customer_promoted')).some((e) => e.message.includes(user.username))).toBe(true);

    // The group reaches the model the default group reached, and the key still works in it.
    const pricing = await call<{ groups: Record<string, { ratio: number }> }>('GET', '/api/pricing');
    expect(pricing.body.groups.enterprise).toBeDefined();
    const relayed = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(relayed.status).toBe(200);
    const quote = await call<{ pay_amount: string; discount: number }>('GET', '/api/topup/quote?amount=100', {
      jwt: user.jwt,
    });
    expect(quote.body).toMatchObject({ pay_amount: '92.00', discount: 0.08 });
    const page = await call<string>('GET', '/account', { jwt: user.jwt });
    expect(page.body).toContain('data-testid="enterprise-note"');
    await call('PUT', '/api/options', { jwt: admin, body: { topup: { enterprise: { min_total_topup: 3000 } } } });
  });

  it('moves a customer whose spending over the window averages the daily threshold, in the nightly job', async () => {
    const { admin, user, token, model } = await setupCustomer({ quota: 1_000_000, price: { model_ratio: 100 } });
    await call('PUT', '/api/options', {
      jwt: admin,
      body: { topup: { enterprise: { min_daily_spend: 1, window_days: 1 } } },
    });
    try {
      // ¥1 at 7.3 per dollar is 68,493 units; each call here costs 1,500.
      for (let i = 0; i < 5; i++)
        expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(
          200,
        );
      const nightly = () =>
        call<{ runs: { job: string; details: { promoted: number } | null }[] }>('POST', '/api/maintenance/run', {
          jwt: admin,
          body: { jobs: ['promotions'] },
        });
      await nightly();
      expect(await groupOf(admin, user.id)).toBe('default');
      for (let i = 0; i < 45; i++)
        await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
      await waitFor(async () => {
        const { results } = await env.DB.prepare(
          "SELECT COUNT(*) AS n FROM ledger WHERE user_id = ? AND reason = 'charge'",
        )
          .bind(user.id)
          .all<{ n: number }>();
        return results[0].n >= 50;
      }, 15_000);
      await nightly();
      expect(await groupOf(admin, user.id)).toBe('enterprise');
    } finally {
      await call('PUT', '/api/options', {
        jwt: admin,
        body: { topup: { enterprise: { min_daily_spend: 100, window_days: 30 } } },
      });
    }
  });
});

describe('top-up pages', () => {
  it('a pending order older than ten minutes shows the late-deposit notice with its number; the operator finds it', async () => {
    const admin = await rootJwt();
    const user = await createUser(admin, { quota: 0 });
    const order = await newOrder(user.jwt, { amount: 60, method: 'epay' });
    let page = await call<string>('GET', '/topup', { jwt: user.jwt });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('data-testid="late-order"');
    await env.DB.prepare('UPDATE orders SET created_at = created_at - 660000 WHERE order_no = ?')
      .bind(order.order_no)
      .run();
    page = await call<string>('GET', '/topup', { jwt: user.jwt });
    expect(page.body).toContain('data-testid="late-order"');
    expect(page.body).toContain(order.order_no);
    const back = await call<string>('GET', `/topup/return?order_no=${order.order_no}`, { jwt: user.jwt });
    expect(back.body).toContain(`data-poll-order="${order.order_no}"`);
    const ops = await call<string>(
      'GET',
      `/admin/orders?order_no=${encodeURIComponent(order.order_no.toLowerCase())}`,
      { jwt: admin },
    );
    expect(ops.body).toContain(`data-order-no="${order.order_no}"`);
    expect((await call<string>('GET', '/admin/orders', { jwt: user.jwt })).status).toBe(403);
    expect((await call<string>('GET', '/admin/codes', { jwt: admin })).status).toBe(200);
  });
});

describe('after all of it', () => {
  it('every balance equals the sum of its ledger rows', async () => {
    await expectLedgerInvariant(await rootJwt());
  });
});
