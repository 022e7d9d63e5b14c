/** Plans with usage windows (issue 23). */
import { SELF, abortAllDurableObjects, env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { accountOf } from '../../worker/account/client';
import type { Subscription } from '../../worker/account/plans';
import { BASE, call, chatBody, createToken, setupCustomer, uniq, upstreamMode, waitFor } from '../helpers';
import { deliverEpay, epayNotice, expectLedgerInvariant, ledgerOf, openEpayPage } from '../support/payments';

interface WindowOut {
  window: string;
  used: number;
  limit: number;
  resets_at: string | null;
}
interface SubOut {
  id: string;
  active: boolean;
  plan: { id: number; name: string };
  windows: WindowOut[];
}

async function createPlan(admin: string, body: Record<string, unknown>): Promise<{ id: number; units: number }> {
  const res = await call<{ id: number; units: number }>('POST', '/api/plans', {
    jwt: admin,
    body: { name: uniq('plan'), price: '10.00', period_days: 30, ...body },
  });
  expect(res.status).toBe(201);
  return res.body;
}

const subscriptions = async (jwt: string) =>
  (await call<{ items: SubOut[] }>('GET', '/api/subscriptions', { jwt })).body.items;
const balance = async (jwt: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt })).body.quota;

function chat(key: string, model: string, n: number, extra: Record<string, unknown> = { max_tokens: 20 }) {
  return Promise.all(
    Array.from({ length: n }, () =>
      SELF.fetch(`${BASE}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(model, extra)),
      }).then(async (r) => ({
        status: r.status,
        charged: Number(r.headers.get('x-quota-charged') ?? 0),
        body: (await r.json()) as { error?: { code: string } },
      })),
    ),
  );
}

/** A customer with a balance and a plan bought from it: one 5-hour window of `limit` units on the model. */
async function subscribed(limit: number, quota = 1_000_000, more: Record<string, unknown> = {}) {
  const c = await setupCustomer({ quota });
  const plan = await createPlan(c.admin, { models: [c.model], limits: [{ window: '5h', units: limit }], ...more });
  const bought = await call<SubOut>('POST', `/api/plans/${plan.id}/subscribe`, {
    jwt: c.user.jwt,
    body: { method: 'balance' },
  });
  expect(bought.status).toBe(201);
  return { ...c, plan, sub: bought.body, after: quota - plan.units };
}

describe('plans', () => {
  it('an operator defines plans; the public list shows those on sale; buying from the balance is one plan ledger row, 402 when short', async () => {
    const c = await setupCustomer({ quota: 900_000 });
    const plan = await createPlan(c.admin, {
      price: '7.30',
      models: [c.model],
      limits: [
        { window: '5h', units: 100 },
        { window: '7d', units: 1000 },
      ],
    });
    expect(plan.units).toBe(500_000);
    expect(
      (
        await call('POST', '/api/plans', {
          jwt: c.user.jwt,
          body: { name: 'x', price: 1, period_days: 1, models: null, limits: [{ window: '1d', units: 1 }] },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', '/api/plans', {
          jwt: c.admin,
          body: { name: 'x', price: 1, period_days: 1, models: null, limits: [{ window: '2h', units: 1 }] },
        })
      ).status,
    ).toBe(400);
    const listed = await call<{ items: { id: number }[] }>('GET', '/api/plans');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p) => p.id)).toContain(plan.id);

    const bought = await call<SubOut>('POST', `/api/plans/${plan.id}/subscribe`, {
      jwt: c.user.jwt,
      body: { method: 'balance' },
    });
    expect(bought.status).toBe(201);
    expect(bought.body.windows).toEqual([
      { window: '5h', used: 0, limit: 100, resets_at: null },
      { window: '7d', used: 0, limit: 1000, resets_at: null },
    ]);
    expect(await balance(c.admin, c.user.id)).toBe(400_000);
    const short = await call<{ error: { code: string } }>('POST', `/api/plans/${plan.id}/subscribe`, {
      jwt: c.user.jwt,
      body: { method: 'balance' },
    });
    expect([short.status, short.body.error.code]).toEqual([402, 'insufficient_quota']);
    const ledger = await call<{ items: { reason: string; delta: number; note: string }[] }>(
      'GET',
      `/api/users/${c.user.id}/ledger`,
      { jwt: c.user.jwt },
    );
    expect(ledger.body.items.filter((r) => r.reason === 'plan')).toEqual([
      expect.objectContaining({ delta: -500_000, note: expect.stringContaining('plan') }),
    ]);

    expect((await call('DELETE', `/api/plans/${plan.id}`, { jwt: c.admin })).status).toBe(204);
    expect((await call<{ items: { id: number }[] }>('GET', '/api/plans')).body.items.map((p) => p.id)).not.toContain(
      plan.id,
    );
    expect((await subscriptions(c.user.jwt)).map((s) => s.id)).toEqual([bought.body.id]);
  });

  it('40 concurrent covered calls against a small window never take it over; the overflow goes to the balance', async () => {
    const { admin, user, token, model, after } = await subscribed(150);
    const answers = await chat(token.key, model, 40);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const total = answers.reduce((s, a) => s + a.charged, 0);
    const [sub] = await subscriptions(user.jwt);
    expect(sub.windows[0].used).toBeLessThanOrEqual(150);
    expect(sub.windows[0].used).toBeGreaterThan(0);
    await waitFor(async () => (await balance(admin, user.id)) === after - (total - sub.windows[0].used));
    // Only what the balance paid is in the ledger.
    await waitFor(
      async () =>
        (await ledgerOf(user.id)).filter((r) => r.reason === 'charge').reduce((s, r) => s - r.delta, 0) ===
        total - sub.windows[0].used,
    );
    await expectLedgerInvariant(admin);
  });

  it('a charge larger than its hold fills the window to its limit, and the rest is charged to the balance', async () => {
    const { admin, user, token, model, channel, after } = await subscribed(50);
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 10, completion_tokens: 100 } });
    const [answer] = await chat(token.key, model, 1);
    expect([answer.status, answer.charged]).toEqual([200, 110]);
    expect((await subscriptions(user.jwt))[0].windows[0].used).toBe(50);
    await waitFor(async () => (await balance(admin, user.id)) === after - 60);
  });

  it('a plan_only key is refused with 429 plan_window_exhausted once the window is full, and never touches the balance', async () => {
    const { admin, user, model, after } = await subscribed(60);
    const key = await createToken(user.jwt, { plan_only: true });
    expect((await call<{ plan_only: boolean }>('GET', `/api/tokens/${key.id}`, { jwt: user.jwt })).body.plan_only).toBe(
      true,
    );
    const answers = await chat(key.key, model, 8);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.body.error?.code === 'plan_window_exhausted')).toBe(true);
    expect(answers.filter((a) => a.status === 200).length + refused.length).toBe(8);
    expect((await subscriptions(user.jwt))[0].windows[0].used).toBeLessThanOrEqual(60);
    expect(await balance(admin, user.id)).toBe(after);
    // Turned off, the same key falls back to the balance.
    expect((await call('PATCH', `/api/tokens/${key.id}`, { jwt: user.jwt, body: { plan_only: false } })).status).toBe(
      200,
    );
    await waitFor(async () => (await chat(key.key, model, 1))[0].status === 200, 15_000, 500);
  });

  it('a window rolls over: use older than its length stops counting', async () => {
    const { user, token, model } = await subscribed(40);
    await chat(token.key, model, 3);
    const [before] = await subscriptions(user.jwt);
    expect(before.windows[0].used).toBeGreaterThan(0);
    expect(Date.parse(before.windows[0].resets_at ?? '')).toBeGreaterThan(Date.now() + 5 * 3_600_000 - 120_000);
    // Move every use 5 hours and 2 minutes into the past, as if that time had gone by.
    const shift = Math.ceil((5 * 3_600_000 + 120_000) / 60_000);
    await runInDurableObject(accountOf(env, user.id).stub, async (_o, state) => {
      const sub = (await state.storage.get<Subscription>(`sub:${before.id}`))!;
      for (const w of sub.windows) w.buckets = w.buckets.map(([b, u]) => [b - shift, u]);
      sub.startedAt -= shift * 60_000;
      await state.storage.put(`sub:${before.id}`, sub);
    });
    await abortAllDurableObjects();
    const [after] = await subscriptions(user.jwt);
    expect(after.windows[0]).toMatchObject({ used: 0, resets_at: null });
    const [again] = await chat(token.key, model, 1);
    expect(again.status).toBe(200);
    expect((await subscriptions(user.jwt))[0].windows[0].used).toBe(again.charged);
  });

  it('a restart of the account object mid-window loses nothing', async () => {
    const { user, token, model } = await subscribed(200);
    await chat(token.key, model, 4);
    const [before] = await subscriptions(user.jwt);
    await abortAllDurableObjects();
    const [after] = await subscriptions(user.jwt);
    expect(after.windows).toEqual(before.windows);
    await chat(token.key, model, 30);
    const [full] = await subscriptions(user.jwt);
    expect(full.windows[0].used).toBeGreaterThan(before.windows[0].used);
    expect(full.windows[0].used).toBeLessThanOrEqual(200);
  });

  it('a plan bought by Epay starts on the paid notice, once, and the ledger shows the purchase without moving the balance', async () => {
    const c = await setupCustomer({ quota: 1000 });
    const plan = await createPlan(c.admin, {
      price: '29.90',
      models: [c.model],
      limits: [{ window: '1d', units: 5000 }],
    });
    const made = await call<{ order_no: string; pay_url: string; amount: string; status: string }>(
      'POST',
      `/api/plans/${plan.id}/subscribe`,
      { jwt: c.user.jwt, body: { method: 'epay' } },
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ amount: '29.90', status: 'pending' });
    expect(await subscriptions(c.user.jwt)).toEqual([]);
    await openEpayPage(made.body.pay_url);
    const notice = await epayNotice(made.body.order_no);
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliverEpay(notice)));
    expect(answers.every((a) => a.text === 'success')).toBe(true);
    const subs = await subscriptions(c.user.jwt);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ active: true, plan: { id: plan.id } });
    expect(await balance(c.admin, c.user.id)).toBe(1000);
    await waitFor(async () => (await ledgerOf(c.user.id)).some((r) => r.reason === 'plan'));
    expect((await ledgerOf(c.user.id)).filter((r) => r.reason === 'plan')).toEqual([
      { delta: 0, reason: 'plan', order_no: made.body.order_no },
    ]);
    const order = await call<{ status: string; credit: number }>('GET', `/api/topup/orders/${made.body.order_no}`, {
      jwt: c.user.jwt,
    });
    expect(order.body).toMatchObject({ status: 'paid', credit: 0 });
    const [served] = await chat(c.token.key, c.model, 1);
    expect(served.status).toBe(200);
    expect(await balance(c.admin, c.user.id)).toBe(1000);
  });
});
