import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../worker/lib/crypto';
import { call, chatBody, createChannel, createToken, rootJwt, setupCustomer, uniq } from '../helpers';
import { balance, type Err } from '../support/relay';

describe("relay: checks in the contract's order", () => {
  it('answers each check with its status and code, and charges nothing', async () => {
    const admin = await rootJwt();
    const { user, token, model } = await setupCustomer({ quota: 1_000_000 });
    const expectErr = async (res: { status: number; body: Err }, status: number, code: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    };
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', { key: token.key, raw: 'not json' }),
      400,
      'invalid_request',
    );
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: { model } }),
      400,
      'invalid_request',
    );
    await expectErr(await call<Err>('POST', '/v1/chat/completions', { body: chatBody(model) }), 401, 'invalid_api_key');
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', { key: 'sk-nope', body: chatBody(model) }),
      401,
      'invalid_api_key',
    );
    // x-api-key works as well
    const viaHeader = await call('POST', '/v1/chat/completions', {
      headers: { 'x-api-key': token.key },
      body: chatBody(model),
    });
    expect(viaHeader.status).toBe(200);

    const ipKey = await createToken(user.jwt, { allow_ips: ['198.51.100.0/24'] });
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', {
        key: ipKey.key,
        body: chatBody(model),
        headers: { 'cf-connecting-ip': '203.0.113.1' },
      }),
      403,
      'ip_not_allowed',
    );
    expect(
      (
        await call('POST', '/v1/chat/completions', {
          key: ipKey.key,
          body: chatBody(model),
          headers: { 'cf-connecting-ip': '198.51.100.20' },
        })
      ).status,
    ).toBe(200);

    const narrow = await createToken(user.jwt, { models: ['something-else'] });
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', { key: narrow.key, body: chatBody(model) }),
      403,
      'model_not_allowed',
    );
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody('no-such-model') }),
      404,
      'model_not_found',
    );

    const unpriced = uniq('unpriced-');
    await createChannel(admin, { models: [unpriced] });
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(unpriced) }),
      403,
      'model_price_unset',
    );

    const big = 'x'.repeat(10 * 1024 * 1024 + 10);
    await expectErr(
      await call<Err>('POST', '/v1/chat/completions', {
        key: token.key,
        raw: JSON.stringify({ model, messages: [{ role: 'user', content: big }] }),
      }),
      413,
      'request_too_large',
    );
    const before = await balance(user.jwt, user.id);
    expect(before).toBe(1_000_000 - 2 * 15);
  });

  it('refuses disabled, deleted, rotated and expired keys on the very next request', async () => {
    const { user, token, model } = await setupCustomer();
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    // Another isolate keeps the token record it read for up to 10 s: after each change the old
    // record is put back, so the refusal must come from the account object, not the snapshot.
    const kvKey = `tok:${await sha256Hex(token.key)}`;
    const record = await env.KV.get(kvKey);
    expect(record).not.toBeNull();
    const stale = () => env.KV.put(kvKey, record ?? '');
    await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'disabled' } });
    await stale();
    expect(
      (await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).body.error.code,
    ).toBe('token_disabled');
    await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'enabled' } });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    // disabling the user refuses every key of theirs at once
    const admin = await rootJwt();
    await call('PATCH', `/api/users/${user.id}`, { jwt: admin, body: { status: 'disabled' } });
    await stale();
    expect(
      (await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).body.error.code,
    ).toBe('token_disabled');
    await call('PATCH', `/api/users/${user.id}`, { jwt: admin, body: { status: 'enabled' } });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const rotated = await call<{ key: string }>('POST', `/api/tokens/${token.id}/rotate`, { jwt: user.jwt });
    await stale();
    expect((await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(
      401,
    );
    expect((await call('POST', '/v1/chat/completions', { key: rotated.body.key, body: chatBody(model) })).status).toBe(
      200,
    );
    const rotatedKv = `tok:${await sha256Hex(rotated.body.key)}`;
    const rotatedRecord = await env.KV.get(rotatedKv);
    expect(rotatedRecord).not.toBeNull();
    await call('DELETE', `/api/tokens/${token.id}`, { jwt: user.jwt });
    await env.KV.put(rotatedKv, rotatedRecord ?? '');
    expect(
      (await call<Err>('POST', '/v1/chat/completions', { key: rotated.body.key, body: chatBody(model) })).status,
    ).toBe(401);

    const soon = await createToken(user.jwt, { expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await call('POST', '/v1/chat/completions', { key: soon.key, body: chatBody(model) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(
      (await call<Err>('POST', '/v1/chat/completions', { key: soon.key, body: chatBody(model) })).body.error.code,
    ).toBe('token_expired');
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
