import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamMode, waitFor } from '../helpers';

function burst(key: string, model: string, n: number, extra: Record<string, unknown> = {}) {
  return Promise.all(
    Array.from({ length: n }, () =>
      SELF.fetch(`${BASE}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(model, extra)),
      }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() })),
    ),
  );
}

/**
 * Waits until `count` of the user's requests have been settled (their log rows are written).
 * A request's tokens reach the token gate in the same step that settles it, as a call to an
 * in-memory object, well before the log row lands in D1.
 */
async function settled(jwt: string, count: number): Promise<void> {
  await waitFor(
    async () => (await call<{ items: unknown[] }>('GET', '/api/logs?limit=100', { jwt })).body.items.length >= count,
  );
}

describe('token gate: rate limits', () => {
  it('lets exactly rpm_limit of 60 simultaneous requests through', async () => {
    const { token, model } = await setupCustomer({ token: { rpm_limit: 20 } });
    const results = await burst(token.key, model, 60);
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(20);
    expect(limited).toHaveLength(40);
    const sample = limited[0];
    expect(JSON.parse(sample.body).error.code).toBe('rate_limit_exceeded');
    expect(Number(sample.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sample.headers.get('x-ratelimit-limit-requests')).toBe('20');
    expect(sample.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(ok[0].headers.get('x-ratelimit-limit-requests')).toBe('20');
    expect(ok[0].headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
  });

  it('does not count refused requests against the limit', async () => {
    const { token, model } = await setupCustomer({ token: { rpm_limit: 2 } });
    expect((await burst(token.key, model, 5)).filter((r) => r.status === 200)).toHaveLength(2);
    // the 3 refusals did not count: still exactly 2 in the window, so the next is refused too
    const next = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(next.status).toBe(429);
  });

  it('admits while the tokens of the last 60 seconds are below tpm_limit', async () => {
    const { token, user, model } = await setupCustomer({ token: { tpm_limit: 20 } });
    const chat = () =>
      call<{ error: { code: string; message: string } }>('POST', '/v1/chat/completions', {
        key: token.key,
        body: chatBody(model),
      });
    // each call uses 15 tokens (10 prompt + 5 completion)
    const first = await chat();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe('20');
    await settled(user.jwt, 1);
    const second = await chat();
    expect(second.status).toBe(200);
    expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe('5');
    await settled(user.jwt, 2);
    const third = await chat();
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limit_exceeded');
    expect(third.body.error.message).toMatch(/20 tokens per minute/);
    expect(third.headers.get('x-ratelimit-limit-tokens')).toBe('20');
    expect(third.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
  });

  it('caps concurrent requests', async () => {
    const { token, model, channel } = await setupCustomer({ token: { max_concurrency: 2 } });
    await upstreamMode(channel.scenario, 'delay', { first_byte_ms: 400 });
    const results = await burst(token.key, model, 5);
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.filter((r) => r.status === 429)).toHaveLength(3);
    // slots come back when requests end
    await waitFor(
      async () =>
        (await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status === 200,
      5000,
    );
  });
});

describe('account: atomic reservations', () => {
  it('a balance worth exactly 10 calls serves at most 10 of 60 simultaneous ones', async () => {
    // price_per_call 0.002 USD = 1000 units; a balance of 10000 covers exactly 10 calls
    const { user, token, model } = await setupCustomer({ quota: 10_000, price: { price_per_call: 0.002 } });
    const results = await burst(token.key, model, 60);
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 402);
    expect(ok).toBe(10);
    expect(refused).toHaveLength(50);
    expect(JSON.parse(refused[0].body).error.code).toBe('insufficient_quota');
    const balance = (await call<{ quota: number }>('GET', `/api/users/${user.id}`, { jwt: user.jwt })).body.quota;
    expect(balance).toBe(10_000 - ok * 1000);
    const rows = await waitFor(async () => {
      const r = await call<{ items: { quota: number; status: number }[] }>('GET', '/api/logs?limit=100', {
        jwt: user.jwt,
      });
      return r.body.items.length === 60 ? r.body.items : undefined;
    });
    expect(rows.reduce((s, r) => s + r.quota, 0)).toBe(ok * 1000);
    expect(rows.filter((r) => r.status === 402).every((r) => r.quota === 0)).toBe(true);
  });

  it('a key cap holds under concurrency too', async () => {
    const { token, model } = await setupCustomer({
      quota: 1_000_000,
      price: { price_per_call: 0.002 },
      token: { remain_quota: 3000 },
    });
    const results = await burst(token.key, model, 20);
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
  });
});
