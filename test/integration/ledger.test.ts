import { SELF, abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { accountOf } from '../../worker/account/client';
import { BASE, call, chatBody, setupCustomer, waitFor } from '../helpers';

interface LedgerRow {
  delta: number;
  reason: string;
  request_id: string | null;
}

async function ledgerRows(userId: number): Promise<LedgerRow[]> {
  const { results } = await env.DB.prepare('SELECT delta, reason, request_id FROM ledger WHERE user_id = ? ORDER BY id')
    .bind(userId)
    .all<LedgerRow>();
  return results;
}

const liveBalance = async (jwt: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt })).body.quota;

/** Waits until the account object has nothing left to flush. */
async function flushed(userId: number): Promise<void> {
  const stub = accountOf(env, userId).stub;
  await waitFor(async () => {
    await runDurableObjectAlarm(stub);
    return runInDurableObject(stub, async (_o, state) => (await state.storage.list({ prefix: 'pend:' })).size === 0);
  }, 10_000);
}

function relayCalls(key: string, model: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, () =>
      SELF.fetch(`${BASE}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(model)),
      }).then(async (r) => ({
        status: r.status,
        charged: Number(r.headers.get('x-quota-charged') ?? 0),
        text: await r.text(),
      })),
    ),
  );
}

describe('an exact ledger', () => {
  it('20 concurrent credits during 80 relay calls leave one row per change, and the deltas add up to the balance', async () => {
    const { admin, user, token, model } = await setupCustomer({ quota: 1_000_000 });
    const credits = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', `/api/users/${user.id}/quota`, { jwt: admin, body: { delta: 1000, note: `credit ${i}` } }),
      ),
    );
    const [creditResults, calls] = await Promise.all([credits, relayCalls(token.key, model, 80)]);
    expect(creditResults.every((r) => r.status === 200)).toBe(true);
    const served = calls.filter((c) => c.status === 200);
    expect(served).toHaveLength(80);
    await flushed(user.id);
    const rows = await ledgerRows(user.id);
    expect(rows.filter((r) => r.reason === 'topup' || r.reason === 'adjust')).toHaveLength(20);
    expect(rows.filter((r) => r.reason === 'initial')).toHaveLength(1);
    expect(rows.filter((r) => r.reason === 'charge')).toHaveLength(80);
    const sum = rows.reduce((s, r) => s + r.delta, 0);
    const balance = await liveBalance(admin, user.id);
    expect(sum).toBe(balance);
    expect(balance).toBe(1_000_000 + 20_000 - served.reduce((s, c) => s + c.charged, 0));
    const mirrored = await env.DB.prepare('SELECT quota FROM users WHERE id = ?')
      .bind(user.id)
      .first<{ quota: number }>();
    expect(mirrored?.quota).toBe(balance);
  });

  it('a credit repeated with the same Idempotency-Key changes nothing and answers as the first did', async () => {
    const { admin, user } = await setupCustomer({ quota: 500 });
    const headers = { 'idempotency-key': 'bank-transfer-7781' };
    const first = await call<{ quota: number }>('POST', `/api/users/${user.id}/quota`, {
      jwt: admin,
      headers,
      body: { delta: 1000, note: 'wire' },
    });
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        call<{ quota: number }>('POST', `/api/users/${user.id}/quota`, {
          jwt: admin,
          headers,
          body: { delta: 1000, note: 'wire' },
        }),
      ),
    );
    expect(first.body.quota).toBe(1500);
    for (const r of again) expect(r).toMatchObject({ status: 200, body: { quota: 1500 } });
    await flushed(user.id);
    expect((await ledgerRows(user.id)).map((r) => r.delta)).toEqual([500, 1000]);
    expect(await liveBalance(admin, user.id)).toBe(1500);
  });

  it('a settle retried with the same request id charges once', async () => {
    const { user, token } = await setupCustomer({ quota: 10_000 });
    const stub = accountOf(env, user.id).stub;
    const log = {
      created_at: Date.now(),
      request_id: 'req_retried_settle',
      user_id: user.id,
      token_id: token.id,
      channel_id: null,
      model: 'm',
      endpoint: 'chat',
      is_stream: false,
      prompt_tokens: 10,
      completion_tokens: 5,
      cached_tokens: 0,
      usage_counted: false,
      quota: 0,
      capped: false,
      model_ratio: 1,
      completion_ratio: 1,
      group_ratio: 1,
      ip: null,
      status: 200,
      error_code: null,
      latency_ms: 1,
      attempts: 1,
      session_hash: null,
      cache_read: false,
    };
    const input = { requestId: 'req_retried_settle', tokenId: token.id, charge: 15, log };
    const results = await Promise.all([
      stub.settle(user.id, input),
      stub.settle(user.id, input),
      stub.settle(user.id, input),
    ]);
    expect(results.map((r) => r.charged)).toEqual([15, 15, 15]);
    await flushed(user.id);
    expect((await ledgerRows(user.id)).filter((r) => r.reason === 'charge')).toHaveLength(1);
    expect(await liveBalance(user.jwt, user.id)).toBe(10_000 - 15);
  });

  it('a settle sent again after the object restarted charges once (the repeat reads the stored mark)', async () => {
    const { user, token } = await setupCustomer({ quota: 10_000 });
    const log = {
      created_at: Date.now(),
      request_id: 'req_settle_after_restart',
      user_id: user.id,
      token_id: token.id,
      channel_id: null,
      model: 'm',
      endpoint: 'chat',
      is_stream: false,
      prompt_tokens: 10,
      completion_tokens: 5,
      cached_tokens: 0,
      usage_counted: false,
      quota: 0,
      capped: false,
      model_ratio: 1,
      completion_ratio: 1,
      group_ratio: 1,
      ip: null,
      status: 200,
      error_code: null,
      latency_ms: 1,
      attempts: 1,
      session_hash: null,
      cache_read: false,
    };
    const input = { requestId: 'req_settle_after_restart', tokenId: token.id, charge: 15, log };
    expect((await accountOf(env, user.id).settle({ ...input, firstSend: true })).charged).toBe(15);
    // The answer was lost and the object restarted: the relay sends the settle again.
    await abortAllDurableObjects();
    expect((await accountOf(env, user.id).settle({ ...input, firstSend: false })).charged).toBe(15);
    await flushed(user.id);
    expect((await ledgerRows(user.id)).filter((r) => r.reason === 'charge')).toHaveLength(1);
    expect(await liveBalance(user.jwt, user.id)).toBe(10_000 - 15);
  });

  it('a flush that fails half-way writes nothing twice once it succeeds', async () => {
    const { user, token, model } = await setupCustomer({ quota: 100_000 });
    await env.DB.prepare('ALTER TABLE token_ips RENAME TO token_ips_away').run();
    try {
      const res = await call('POST', '/v1/chat/completions', {
        key: token.key,
        body: chatBody(model),
        headers: { 'cf-connecting-ip': '192.0.2.77' },
      });
      expect(res.status).toBe(200);
      // the batch (log row, token_ips row, ledger row) fails as a whole: nothing of it is in D1
      await waitFor(async () => {
        await runDurableObjectAlarm(accountOf(env, user.id).stub);
        return runInDurableObject(
          accountOf(env, user.id).stub,
          async (_o, state) => (await state.storage.list({ prefix: 'pend:' })).size > 0,
        );
      });
      const none = await env.DB.prepare('SELECT COUNT(*) AS n FROM logs WHERE user_id = ?')
        .bind(user.id)
        .first<{ n: number }>();
      expect(none?.n).toBe(0);
    } finally {
      await env.DB.prepare('ALTER TABLE token_ips_away RENAME TO token_ips').run();
    }
    await flushed(user.id);
    const logs = await env.DB.prepare('SELECT COUNT(*) AS n FROM logs WHERE user_id = ?')
      .bind(user.id)
      .first<{ n: number }>();
    expect(logs?.n).toBe(1);
    expect((await ledgerRows(user.id)).filter((r) => r.reason === 'charge')).toHaveLength(1);
  });

  it('an object restarted mid-flush, after D1 took the batch, writes no row twice', async () => {
    const { admin, user, token, model } = await setupCustomer({ quota: 100_000 });
    const stub = accountOf(env, user.id).stub;
    // The next flush commits its D1 batch, then the object dies before it forgets the rows.
    await runInDurableObject(stub, (_instance, state) => {
      Object.defineProperty(state.storage, 'delete', {
        configurable: true,
        value: () => Promise.reject(new Error('restarted mid-flush')),
      });
    });
    await call('POST', `/api/users/${user.id}/quota`, {
      jwt: admin,
      body: { delta: 700, note: 'before the crash' },
    }).catch(() => undefined);
    for (let i = 0; i < 3; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    // Every settle (sent after its answer, in waitUntil) has reached the object before it dies:
    // 15 units a call (10 prompt + 5 completion tokens at ratio 1).
    await waitFor(async () => (await accountOf(env, user.id).balance()).quota === 100_700 - 3 * 15, 10_000);
    await runDurableObjectAlarm(stub).catch(() => undefined);
    await abortAllDurableObjects();
    await flushed(user.id);
    const rows = await ledgerRows(user.id);
    expect(rows.filter((r) => r.reason === 'charge')).toHaveLength(3);
    expect(rows.filter((r) => r.delta === 700)).toHaveLength(1);
    const logs = await env.DB.prepare('SELECT COUNT(*) AS n FROM logs WHERE user_id = ?')
      .bind(user.id)
      .first<{ n: number }>();
    expect(logs?.n).toBe(3);
    expect(rows.reduce((s, r) => s + r.delta, 0)).toBe(await liveBalance(admin, user.id));
  });

  it("lists a user's ledger newest first with a cursor, one row per change", async () => {
    const { admin, user, token, model } = await setupCustomer({ quota: 10_000 });
    await call('POST', `/api/users/${user.id}/quota`, { jwt: admin, body: { delta: 5, note: 'five' } });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    await flushed(user.id);
    type Page = {
      items: {
        id: number;
        delta: number;
        balance_after: number;
        reason: string;
        note: string | null;
        request_id: string | null;
        order_no: string | null;
        created_at: string;
      }[];
      next_cursor: string | null;
    };
    const first = await call<Page>('GET', `/api/users/${user.id}/ledger?limit=2`, { jwt: user.jwt });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r) => r.reason)).toEqual(['charge', 'adjust']);
    expect(first.body.items[0]).toMatchObject({ delta: -15, balance_after: 10_000 + 5 - 15, order_no: null });
    expect(first.body.next_cursor).toBeTruthy();
    const second = await call<Page>('GET', `/api/users/${user.id}/ledger?limit=2&cursor=${first.body.next_cursor}`, {
      jwt: user.jwt,
    });
    expect(second.body.items.map((r) => r.reason)).toEqual(['initial']);
    expect(second.body.next_cursor).toBeNull();
  });
});
