import { env } from 'cloudflare:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import {
  call,
  chatBody,
  createUser,
  rootJwt,
  setPricing,
  setupCustomer,
  uniq,
  upstreamMode,
  waitFor,
} from '../helpers';
import { balance, logFor, type Err, type LogItem } from '../support/relay';

describe('relay: billing', () => {
  it('charges the contract formula, shows it in the header, the balance and the log row', async () => {
    const { user, token, model } = await setupCustomer({
      quota: 100_000,
      price: { model_ratio: 2.5, completion_ratio: 3 },
    });
    const res = await call<{ choices: { message: { content: string } }[] }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model),
      headers: { 'cf-connecting-ip': '203.0.113.9' },
    });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('Hello from the fake upstream.');
    // ceil((10 + 5*3) * 2.5) = 63
    expect(res.headers.get('x-quota-charged')).toBe('63');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      quota: 63,
      prompt_tokens: 10,
      completion_tokens: 5,
      status: 200,
      attempts: 1,
      ip: '203.0.113.9',
      usage_counted: false,
      capped: false,
      model_ratio: 2.5,
      completion_ratio: 3,
      group_ratio: 1,
    });
    expect(await balance(user.jwt, user.id)).toBe(100_000 - 63);
    const ledger = await waitFor(
      async () =>
        (await env.DB.prepare("SELECT delta FROM ledger WHERE user_id = ? AND reason = 'charge'")
          .bind(user.id)
          .first<{ delta: number }>()) ?? undefined,
    );
    expect(ledger.delta).toBe(-63);
  });

  it("applies the group ratio of the key's group and bills cached tokens at the cache ratio", async () => {
    const admin = await rootJwt();
    const group = uniq('g');
    await setPricing(admin, { groups: { [group]: 0.5 } });
    const { user, token, model, channel } = await setupCustomer({
      group,
      price: { model_ratio: 1, cache_ratio: 0.1, completion_ratio: 2 },
    });
    await upstreamMode(channel.scenario, 'ok', {
      usage: { prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 600 },
    });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    // (1000 - 600 + 600*0.1 + 100*2) * 1 * 0.5 = 330
    expect(res.headers.get('x-quota-charged')).toBe('330');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ cached_tokens: 600, group_ratio: 0.5, quota: 330 });
  });

  it('charges a per-call price', async () => {
    const { token, model } = await setupCustomer({ price: { price_per_call: 0.01 } });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.headers.get('x-quota-charged')).toBe('5000');
  });

  it('refuses a request the balance or the key cap cannot cover, and charges nothing', async () => {
    // the prompt (about 11 tokens) and the least allowance (16) do not fit in 20 units
    const poor = await setupCustomer({ quota: 20, price: { model_ratio: 1 } });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: poor.token.key, body: chatBody(poor.model) });
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('insufficient_quota');
    expect(await balance(poor.user.jwt, poor.user.id)).toBe(20);

    const capped = await setupCustomer({ quota: 1_000_000, token: { remain_quota: 20 } });
    const refused = await call<Err>('POST', '/v1/chat/completions', {
      key: capped.token.key,
      body: chatBody(capped.model),
    });
    expect(refused.status).toBe(402);
    await call('PATCH', `/api/tokens/${capped.token.id}`, { jwt: capped.user.jwt, body: { remain_quota: 50 } });
    const ok = await call('POST', '/v1/chat/completions', {
      key: capped.token.key,
      body: chatBody(capped.model, { max_tokens: 10 }),
    });
    expect(ok.status).toBe(200);
    const tok = await waitFor(async () => {
      const t = await call<{ remain_quota: number; used_quota: number }>('GET', `/api/tokens/${capped.token.id}`, {
        jwt: capped.user.jwt,
      });
      return t.body.used_quota === 15 ? t.body : undefined;
    });
    expect(tok.remain_quota).toBe(35);
  });

  it('caps a charge beyond the balance at what is left and says so', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 200, price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 10, completion_tokens: 5000 } });
    const res = await call('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model, { max_tokens: 100 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-quota-charged')).toBe('200');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ quota: 200, capped: true });
    expect(await balance(user.jwt, user.id)).toBe(0);
  });

  it('counts usage with the tokenizer when the upstream reports none', async () => {
    const { user, token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'no_usage');
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(200);
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.usage_counted).toBe(true);
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBe(countTokens('Hello from the fake upstream.'));
    expect(row.quota).toBe(row.prompt_tokens + row.completion_tokens);
  });
});

describe('relay: request log', () => {
  it('pages newest first with a cursor and filters by model and IP', async () => {
    const { user, token, model } = await setupCustomer();
    const ids: string[] = [];
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.1']) {
      const res = await call('POST', '/v1/chat/completions', {
        key: token.key,
        body: chatBody(model),
        headers: { 'cf-connecting-ip': ip },
      });
      ids.push(res.headers.get('x-request-id')!);
    }
    type Page = { items: { request_id: string }[]; next_cursor: string | null };
    await waitFor(async () => (await call<Page>('GET', '/api/logs', { jwt: user.jwt })).body.items.length === 3);
    const first = await call<Page>('GET', '/api/logs?limit=2', { jwt: user.jwt });
    expect(first.body.items.map((r) => r.request_id)).toEqual([ids[2], ids[1]]);
    expect(first.body.next_cursor).toBeTruthy();
    const second = await call<Page>('GET', `/api/logs?limit=2&cursor=${first.body.next_cursor}`, { jwt: user.jwt });
    expect(second.body.items.map((r) => r.request_id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();
    const byIp = await call<Page>('GET', '/api/logs?ip=192.0.2.1', { jwt: user.jwt });
    expect(byIp.body.items.map((r) => r.request_id)).toEqual([ids[2], ids[0]]);
    expect((await call<Page>(`GET`, `/api/logs?model=${model}x`, { jwt: user.jwt })).body.items).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (await call<Page>('GET', `/api/logs?from=${encodeURIComponent(future)}`, { jwt: user.jwt })).body.items,
    ).toEqual([]);
    // a customer cannot read another's rows by asking for their user_id
    const admin = await rootJwt();
    const other = await createUser(admin);
    expect((await call<Page>('GET', `/api/logs?user_id=${user.id}`, { jwt: other.jwt })).body.items).toEqual([]);
  });
});
