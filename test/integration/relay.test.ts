import { SELF, env } from 'cloudflare:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import {
  BASE, call, chatBody, createChannel, createToken, createUser, rootJwt, setPricing, setupCustomer, uniq, upstreamMode, upstreamRequests, waitFor,
} from '../helpers';

type Err = { error: { message: string; type: string; code: string } };
interface LogItem {
  request_id: string; quota: number; prompt_tokens: number; completion_tokens: number; cached_tokens: number; status: number;
  attempts: number; channel_id: number | null; usage_counted: boolean; capped: boolean; ip: string | null; is_stream: boolean;
  model_ratio: number | null; completion_ratio: number | null; group_ratio: number | null; error_code: string | null;
}

async function logFor(jwt: string, requestId: string): Promise<LogItem> {
  return waitFor(async () => {
    const res = await call<{ items: LogItem[] }>('GET', '/api/logs?limit=100', { jwt });
    return res.body.items.find((r) => r.request_id === requestId);
  });
}

async function balance(jwt: string, id: number): Promise<number> {
  return (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt })).body.quota;
}

async function streamText(res: Response): Promise<string> {
  return await res.text();
}

describe('relay: billing', () => {
  it('charges the contract formula, shows it in the header, the balance and the log row', async () => {
    const { user, token, model } = await setupCustomer({ quota: 100_000, price: { model_ratio: 2.5, completion_ratio: 3 } });
    const res = await call<{ choices: { message: { content: string } }[] }>('POST', '/v1/chat/completions', {
      key: token.key, body: chatBody(model), headers: { 'cf-connecting-ip': '203.0.113.9' },
    });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('Hello from the fake upstream.');
    // ceil((10 + 5*3) * 2.5) = 63
    expect(res.headers.get('x-quota-charged')).toBe('63');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ quota: 63, prompt_tokens: 10, completion_tokens: 5, status: 200, attempts: 1, ip: '203.0.113.9', usage_counted: false, capped: false, model_ratio: 2.5, completion_ratio: 3, group_ratio: 1 });
    expect(await balance(user.jwt, user.id)).toBe(100_000 - 63);
    const ledger = await waitFor(async () => (await env.DB.prepare("SELECT delta FROM ledger WHERE user_id = ? AND reason = 'charge'").bind(user.id).first<{ delta: number }>()) ?? undefined);
    expect(ledger.delta).toBe(-63);
  });

  it('applies the group ratio of the key\'s group and bills cached tokens at the cache ratio', async () => {
    const admin = await rootJwt();
    const group = uniq('g');
    await setPricing(admin, { groups: { [group]: 0.5 } });
    const { user, token, model, channel } = await setupCustomer({ group, price: { model_ratio: 1, cache_ratio: 0.1, completion_ratio: 2 } });
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 600 } });
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
    const refused = await call<Err>('POST', '/v1/chat/completions', { key: capped.token.key, body: chatBody(capped.model) });
    expect(refused.status).toBe(402);
    await call('PATCH', `/api/tokens/${capped.token.id}`, { jwt: capped.user.jwt, body: { remain_quota: 50 } });
    const ok = await call('POST', '/v1/chat/completions', { key: capped.token.key, body: chatBody(capped.model, { max_tokens: 10 }) });
    expect(ok.status).toBe(200);
    const tok = await waitFor(async () => {
      const t = await call<{ remain_quota: number; used_quota: number }>('GET', `/api/tokens/${capped.token.id}`, { jwt: capped.user.jwt });
      return t.body.used_quota === 15 ? t.body : undefined;
    });
    expect(tok.remain_quota).toBe(35);
  });

  it('caps a charge beyond the balance at what is left and says so', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 200, price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 10, completion_tokens: 5000 } });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model, { max_tokens: 100 }) });
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
      const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model), headers: { 'cf-connecting-ip': ip } });
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
    expect((await call<Page>('GET', `/api/logs?from=${encodeURIComponent(future)}`, { jwt: user.jwt })).body.items).toEqual([]);
    // a customer cannot read another's rows by asking for their user_id
    const admin = await rootJwt();
    const other = await createUser(admin);
    expect((await call<Page>('GET', `/api/logs?user_id=${user.id}`, { jwt: other.jwt })).body.items).toEqual([]);
  });

  it('marks the first request from each IP a key has never used before', async () => {
    const { user, token, model } = await setupCustomer();
    const from = async (ip: string) => {
      const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model), headers: { 'cf-connecting-ip': ip } });
      return waitFor(async () => {
        const r = await call<{ items: (LogItem & { ip_first_seen: boolean })[] }>('GET', `/api/logs?token_id=${token.id}`, { jwt: user.jwt });
        return r.body.items.find((x) => x.request_id === res.headers.get('x-request-id'));
      });
    };
    expect((await from('198.51.100.1')).ip_first_seen).toBe(true);
    expect((await from('198.51.100.1')).ip_first_seen).toBe(false);
    expect((await from('2001:db8::7')).ip_first_seen).toBe(true);
    const all = await call<{ items: { ip_first_seen: boolean }[] }>('GET', `/api/logs?token_id=${token.id}`, { jwt: user.jwt });
    expect(all.body.items.map((x) => x.ip_first_seen)).toEqual([true, false, true]);
  });
});

describe('relay: checks in the contract\'s order', () => {
  it('answers each check with its status and code, and charges nothing', async () => {
    const admin = await rootJwt();
    const { user, token, model } = await setupCustomer({ quota: 1_000_000 });
    const expectErr = async (res: { status: number; body: Err }, status: number, code: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    };
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: token.key, raw: 'not json' }), 400, 'invalid_request');
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: { model } }), 400, 'invalid_request');
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { body: chatBody(model) }), 401, 'invalid_api_key');
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: 'sk-nope', body: chatBody(model) }), 401, 'invalid_api_key');
    // x-api-key works as well
    const viaHeader = await call('POST', '/v1/chat/completions', { headers: { 'x-api-key': token.key }, body: chatBody(model) });
    expect(viaHeader.status).toBe(200);

    const ipKey = await createToken(user.jwt, { allow_ips: ['198.51.100.0/24'] });
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: ipKey.key, body: chatBody(model), headers: { 'cf-connecting-ip': '203.0.113.1' } }), 403, 'ip_not_allowed');
    expect((await call('POST', '/v1/chat/completions', { key: ipKey.key, body: chatBody(model), headers: { 'cf-connecting-ip': '198.51.100.20' } })).status).toBe(200);

    const narrow = await createToken(user.jwt, { models: ['something-else'] });
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: narrow.key, body: chatBody(model) }), 403, 'model_not_allowed');
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody('no-such-model') }), 404, 'model_not_found');

    const unpriced = uniq('unpriced-');
    await createChannel(admin, { models: [unpriced] });
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(unpriced) }), 403, 'model_price_unset');

    const big = 'x'.repeat(10 * 1024 * 1024 + 10);
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { key: token.key, raw: JSON.stringify({ model, messages: [{ role: 'user', content: big }] }) }), 413, 'request_too_large');
    const before = await balance(user.jwt, user.id);
    expect(before).toBe(1_000_000 - 2 * 15);
  });

  it('refuses disabled, deleted, rotated and expired keys on the very next request', async () => {
    const { user, token, model } = await setupCustomer();
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'disabled' } });
    expect((await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).body.error.code).toBe('token_disabled');
    await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'enabled' } });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    // disabling the user refuses every key of theirs at once
    const admin = await rootJwt();
    await call('PATCH', `/api/users/${user.id}`, { jwt: admin, body: { status: 'disabled' } });
    expect((await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).body.error.code).toBe('token_disabled');
    await call('PATCH', `/api/users/${user.id}`, { jwt: admin, body: { status: 'enabled' } });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const rotated = await call<{ key: string }>('POST', `/api/tokens/${token.id}/rotate`, { jwt: user.jwt });
    expect((await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(401);
    expect((await call('POST', '/v1/chat/completions', { key: rotated.body.key, body: chatBody(model) })).status).toBe(200);
    await call('DELETE', `/api/tokens/${token.id}`, { jwt: user.jwt });
    expect((await call<Err>('POST', '/v1/chat/completions', { key: rotated.body.key, body: chatBody(model) })).status).toBe(401);

    const soon = await createToken(user.jwt, { expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await call('POST', '/v1/chat/completions', { key: soon.key, body: chatBody(model) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await call<Err>('POST', '/v1/chat/completions', { key: soon.key, body: chatBody(model) })).body.error.code).toBe('token_expired');
  });

  it('lists the models a key may use', async () => {
    const { user, token, model } = await setupCustomer();
    const res = await call<{ object: string; data: { id: string }[] }>('GET', '/v1/models', { key: token.key });
    expect(res.body.object).toBe('list');
    expect(res.body.data.map((m) => m.id)).toContain(model);
    const narrow = await createToken(user.jwt, { models: [model] });
    const list = await call<{ data: { id: string }[] }>('GET', '/v1/models', { key: narrow.key });
    expect(list.body.data.map((m) => m.id)).toEqual([model]);
    expect((await call('GET', '/v1/models', { key: 'sk-unknown' })).status).toBe(401);
  });
});

describe('relay: upstreams', () => {
  it('applies model mapping and rotates a multi-key channel\'s keys', async () => {
    const { token, model, channel } = await setupCustomer({ channel: { keys: ['key-one', 'key-two'], model_mapping: {} } });
    const admin = await rootJwt();
    await call('PATCH', `/api/channels/${channel.id}`, { jwt: admin, body: { model_mapping: { [model]: 'upstream-name' } } });
    for (let i = 0; i < 4; i++) expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const seen = await upstreamRequests(channel.scenario);
    expect(seen.every((r) => r.body?.model === 'upstream-name')).toBe(true);
    expect(new Set(seen.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer key-one', 'Bearer key-two']));
  });

  it('fails over to another channel, never the same one twice, and logs the attempts', async () => {
    const admin = await rootJwt();
    const { user, token, model, channel: bad } = await setupCustomer({ channel: { priority: 10 } });
    const good = await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(bad.scenario, 'error', { status: 500 });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(200);
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ attempts: 2, channel_id: good.id, status: 200 });
    expect(await upstreamRequests(bad.scenario)).toHaveLength(1);
  });

  it('answers 502 when every channel fails, charging nothing; resets and hangs count as failures', async () => {
    const admin = await rootJwt();
    const { user, token, model, channel: a } = await setupCustomer({ quota: 10_000 });
    const b = await createChannel(admin, { models: [model] });
    await upstreamMode(a.scenario, 'reset');
    await upstreamMode(b.scenario, 'hang');
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 502, quota: 0, attempts: 2 });
    expect(await balance(user.jwt, user.id)).toBe(10_000);
  });

  it('tells the customer the failure, not the upstream\'s own error text', async () => {
    const { token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'error', { status: 500, message: 'provider-internal: shard 7 of acme-llm failed' });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/HTTP 500/);
    expect(res.body.error.message).not.toMatch(/acme|shard/);
    const admin = await rootJwt();
    const ch = await waitFor(async () => {
      const v = await call<{ health: { last_error: string | null } }>('GET', `/api/channels/${channel.id}`, { jwt: admin });
      return v.body.health.last_error ? v.body : undefined;
    });
    expect(ch.health.last_error).toMatch(/acme/);
  });

  it('passes an upstream 400 back as it came, without retrying or charging', async () => {
    const admin = await rootJwt();
    const { user, token, model, channel } = await setupCustomer({ quota: 10_000 });
    const other = await createChannel(admin, { models: [model] });
    await upstreamMode(channel.scenario, 'error', { status: 400, message: 'messages[0].content is too long', code: 'context_length_exceeded' });
    await upstreamMode(other.scenario, 'error', { status: 400, message: 'messages[0].content is too long', code: 'context_length_exceeded' });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('context_length_exceeded');
    const calls = (await upstreamRequests(channel.scenario)).length + (await upstreamRequests(other.scenario)).length;
    expect(calls).toBe(1);
    expect(await balance(user.jwt, user.id)).toBe(10_000);
  });

  it('answers 503 when every channel for the model is disabled', async () => {
    const admin = await rootJwt();
    const { token, model, channel } = await setupCustomer();
    await call('PATCH', `/api/channels/${channel.id}`, { jwt: admin, body: { status: 'disabled' } });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('no_available_channel');
  });

  it('serves completions and embeddings, billed on their usage', async () => {
    const { token, model } = await setupCustomer({ price: { model_ratio: 1 } });
    const comp = await call<{ choices: { text: string }[] }>('POST', '/v1/completions', { key: token.key, body: { model, prompt: 'Say hi' } });
    expect(comp.status).toBe(200);
    expect(comp.body.choices[0].text).toBe('Hello from the fake upstream.');
    expect(comp.headers.get('x-quota-charged')).toBe('15');
    const emb = await call<{ data: { embedding: number[] }[] }>('POST', '/v1/embeddings', { key: token.key, body: { model, input: ['a', 'b'] } });
    expect(emb.status).toBe(200);
    expect(emb.body.data).toHaveLength(2);
    expect(emb.headers.get('x-quota-charged')).toBe('10');
  });
});

describe('relay: streaming', () => {
  it('streams chunks, drops the usage chunk the client did not ask for, and bills from it', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 2 } });
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await streamText(res);
    expect(text).not.toContain('"usage"');
    const content = text.split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('Hello from the fake upstream.');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].body?.stream_options).toEqual({ include_usage: true });
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ is_stream: true, prompt_tokens: 10, completion_tokens: 5, quota: 30, usage_counted: false });
  });

  it('keeps the usage chunk for a client that asked', async () => {
    const { token, model } = await setupCustomer();
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true, stream_options: { include_usage: true } })),
    });
    const text = await res.text();
    expect(text).toContain('"usage":{"prompt_tokens":10');
  });

  it('counts a stream whose upstream sends no usage', async () => {
    const { user, token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'no_usage');
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    await res.text();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.usage_counted).toBe(true);
    expect(row.completion_tokens).toBe(countTokens('Hello from the fake upstream.'));
  });

  it('cancels the upstream when the client leaves, and bills what was delivered', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 100_000 });
    await upstreamMode(channel.scenario, 'slow_stream', { gap_ms: 100, chunks: 40 });
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    const reader = res.body!.getReader();
    let got = '';
    while ((got.match(/" tok"/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before the client left');
      got += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const aborted = await waitFor(async () => (await upstreamRequests(channel.scenario)).find((r) => r.aborted), 5000);
    expect(aborted).toBeTruthy();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.usage_counted).toBe(true);
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBeLessThan(40);
    expect(row.quota).toBe(row.prompt_tokens + row.completion_tokens);
  });
});

describe('relay: a stream that goes silent', () => {
  it('is ended after STREAM_IDLE_TIMEOUT_MS and the upstream cancelled; with no content delivered nothing is charged', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 100_000 });
    // the opening (empty) chunk, then a pause longer than the 3 s idle limit the tests run with
    await upstreamMode(channel.scenario, 'slow_stream', { gap_ms: 3500, chunks: 3 });
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    const aborted = await waitFor(async () => (await upstreamRequests(channel.scenario)).find((r) => r.aborted), 5000);
    expect(aborted).toBeTruthy();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ error_code: 'upstream_stream_broken', status: 502, quota: 0 });
    expect((await call<{ quota: number }>('GET', `/api/users/${user.id}`, { jwt: user.jwt })).body.quota).toBe(100_000);
  }, 20_000);
});

describe('relay: OpenAI chat on an Anthropic channel', () => {
  it('converts the request and the answer both ways, streamed and not, billed from Anthropic usage', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' }, price: { model_ratio: 1, completion_ratio: 2 } });
    const res = await call<{ object: string; choices: { message: { content: string }; finish_reason: string }[]; usage: { prompt_tokens: number } }>('POST', '/v1/chat/completions', {
      key: token.key, body: chatBody(model, { messages: [{ role: 'system', content: 'Be nice.' }, { role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.body.choices[0]).toMatchObject({ message: { content: 'Hello from the fake upstream.' }, finish_reason: 'stop' });
    expect(res.headers.get('x-quota-charged')).toBe('20'); // 10 + 5*2
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].path).toBe('/v1/messages');
    expect(sent[0].body).toMatchObject({ system: 'Be nice.', max_tokens: 1024, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });

    const streamed = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true, stream_options: { include_usage: true } })),
    });
    const text = await streamed.text();
    const datas = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(datas[datas.length - 1]).toBe('[DONE]');
    const chunks = datas.slice(0, -1).map((d) => JSON.parse(d) as { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from the fake upstream.');
    expect(chunks[chunks.length - 1].usage?.completion_tokens).toBe(5);
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, quota: 20, usage_counted: false });
  });
});

describe('relay: Anthropic Messages on an OpenAI channel', () => {
  it('converts the request and the answer both ways, streamed and not, billed from OpenAI usage', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 1, completion_ratio: 3 } });
    const body = { model, max_tokens: 64, system: 'Be nice.', messages: [{ role: 'user', content: 'Hi' }] };
    const res = await call<{ type: string; content: { type: string; text: string }[]; stop_reason: string; usage: { input_tokens: number; output_tokens: number } }>('POST', '/v1/messages', {
      headers: { 'x-api-key': token.key, 'anthropic-version': '2023-06-01' }, body,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'message', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Hello from the fake upstream.' }], usage: { input_tokens: 10, output_tokens: 5 } });
    expect(res.headers.get('x-quota-charged')).toBe('25'); // 10 + 5*3
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].path).toBe('/v1/chat/completions');
    expect(sent[0].headers.authorization).toMatch(/^Bearer upstream-key-/);
    expect((sent[0].body?.messages as { role: string }[])[0]).toMatchObject({ role: 'system', content: 'Be nice.' });

    const streamed = await SELF.fetch(`${BASE}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': token.key, 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }),
    });
    const text = await streamed.text();
    const events = text.split('\n').filter((l) => l.startsWith('event: ')).map((l) => l.slice(7));
    expect(events[0]).toBe('message_start');
    expect(events.filter((e) => e === 'message_stop')).toHaveLength(1);
    expect(text).not.toContain('[DONE]');
    const deltas = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { type: string; delta?: { text?: string } })
      .filter((d) => d.type === 'content_block_delta').map((d) => d.delta?.text ?? '').join('');
    expect(deltas).toBe('Hello from the fake upstream.');
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, quota: 25, usage_counted: false });
  });
});

describe('relay: Anthropic Messages', () => {
  it('relays /v1/messages to an anthropic channel, streamed and not, billed from its usage', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' }, price: { model_ratio: 1, completion_ratio: 5 } });
    const body = { model, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };
    const res = await call<{ content: { text: string }[] }>('POST', '/v1/messages', { headers: { 'x-api-key': token.key, 'anthropic-version': '2023-06-01' }, body });
    expect(res.status).toBe(200);
    expect(res.body.content[0].text).toBe('Hello from the fake upstream.');
    expect(res.headers.get('x-quota-charged')).toBe('35'); // 10 + 5*5
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].headers['x-api-key']).toMatch(/^upstream-key-/);
    const streamed = await SELF.fetch(`${BASE}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': token.key, 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }),
    });
    const text = await streamed.text();
    expect(text).toContain('event: message_stop');
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, quota: 35 });
  });
});
