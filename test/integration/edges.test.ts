import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../worker/lib/crypto';
import {
  BASE,
  ROOT,
  call,
  chatBody,
  createToken,
  createUser,
  login,
  rootJwt,
  setPricing,
  setupCustomer,
  uniq,
  upstreamMode,
} from '../helpers';

type Err = { error: { message: string; type: string; code: string } };

describe('key limits a customer can only lower', () => {
  it("may lower rpm/tpm below the group's but not raise them above it", async () => {
    const admin = await rootJwt();
    const group = uniq('g');
    await setPricing(admin, { groups: { [group]: { ratio: 1, rpm_limit: 100, tpm_limit: 50_000 } } });
    const user = await createUser(admin, { group });
    const token = await createToken(user.jwt);
    const raise = await call<Err>('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { rpm_limit: 100_000 } });
    expect(raise.status).toBe(403);
    expect(raise.body.error.message).toMatch(/rpm_limit/);
    expect(
      (await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { tpm_limit: 60_000 } })).status,
    ).toBe(403);
    expect(
      (await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { rpm_limit: 50, tpm_limit: 10_000 } }))
        .status,
    ).toBe(200);
    expect((await call('POST', '/api/tokens', { jwt: user.jwt, body: { name: 'fast', rpm_limit: 101 } })).status).toBe(
      403,
    );
    // an admin may set any limit
    expect((await call('PATCH', `/api/tokens/${token.id}`, { jwt: admin, body: { rpm_limit: 100_000 } })).status).toBe(
      200,
    );
  });

  it('may not re-enable a key an admin disabled, but may re-enable their own', async () => {
    const admin = await rootJwt();
    const user = await createUser(admin);
    const token = await createToken(user.jwt);
    expect(
      (await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'disabled' } })).status,
    ).toBe(200);
    expect(
      (await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'enabled' } })).status,
    ).toBe(200);
    expect((await call('PATCH', `/api/tokens/${token.id}`, { jwt: admin, body: { status: 'disabled' } })).status).toBe(
      200,
    );
    const again = await call<Err>('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'enabled' } });
    expect(again.status).toBe(403);
    expect((await call<{ status: string }>('GET', `/api/tokens/${token.id}`, { jwt: user.jwt })).body.status).toBe(
      'disabled',
    );
    expect((await call('PATCH', `/api/tokens/${token.id}`, { jwt: admin, body: { status: 'enabled' } })).status).toBe(
      200,
    );
  });
});

describe('login throttling', () => {
  it('parallel guesses cannot race past the limit', async () => {
    const admin = await rootJwt();
    const victim = await createUser(admin);
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call('POST', '/api/auth/login', {
          body: { username: victim.username, password: `guess-${i}` },
          headers: { 'cf-connecting-ip': '203.0.113.200' },
        }),
      ),
    );
    const tried = guesses.filter((g) => g.status === 401).length;
    expect(tried).toBeLessThanOrEqual(8);
    expect(guesses.filter((g) => g.status === 429).length).toBe(30 - tried);
  });

  it('cannot lock the real owner out of their usual IP', async () => {
    const admin = await rootJwt();
    const owner = await createUser(admin);
    const home = { 'cf-connecting-ip': '198.51.100.10' };
    expect(
      (
        await call('POST', '/api/auth/login', {
          body: { username: owner.username, password: owner.password },
          headers: home,
        })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 30; i++) {
      await call('POST', '/api/auth/login', {
        body: { username: owner.username, password: 'wrong-password' },
        headers: { 'cf-connecting-ip': `203.0.113.${i + 1}` },
      });
    }
    const fromHome = await call('POST', '/api/auth/login', {
      body: { username: owner.username, password: owner.password },
      headers: home,
    });
    expect(fromHome.status).toBe(200);
  });
});

describe('sessions', () => {
  it('logout ends the session on the server', async () => {
    const jwt = await login(ROOT.username, ROOT.password);
    expect((await call('GET', '/api/auth/me', { jwt })).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', { jwt })).status).toBe(204);
    expect((await call('GET', '/api/auth/me', { jwt })).status).toBe(401);
    // other sessions of the same user go on
    expect((await call('GET', '/api/auth/me', { jwt: await rootJwt() })).status).toBe(200);
  });

  it('/login?next= goes only to paths of this site', async () => {
    const jwt = await rootJwt();
    for (const next of [
      '//evil.example/x',
      '/\t/evil.example',
      '/%0A/evil.example',
      'https://evil.example/',
      '/\\evil.example',
    ]) {
      const res = await SELF.fetch(`${BASE}/login?next=${encodeURIComponent(next)}`, {
        headers: { cookie: `relay_session=${jwt}` },
        redirect: 'manual',
      });
      const location = res.headers.get('location') ?? '';
      const target = new URL(location, BASE);
      expect(target.origin, `${JSON.stringify(next)} -> ${location}`).toBe(new URL(BASE).origin);
      expect(location.startsWith('/')).toBe(true);
      expect(/[\t\n\r\\]/.test(location) || location.startsWith('//')).toBe(false);
    }
  });
});

describe('bodies and keys', () => {
  it('an /api body over 1 MiB is refused with 413 before it is parsed', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(1_600_000), password: 'y' });
    const res = await call<Err>('POST', '/api/auth/login', { raw: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('request_too_large');
    const chunked = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
    });
    expect(chunked.status).toBe(413);
  });

  it('a relay body over the limit is refused while it streams in', async () => {
    const { token, model } = await setupCustomer();
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`{"model":"${model}","messages":[{"role":"user","content":"`));
        },
        pull(controller) {
          sent++;
          if (sent > 40) controller.close();
          else controller.enqueue(chunk);
        },
      }),
    });
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(40);
  });

  it('an unknown key writes nothing to KV', async () => {
    const key = `sk-${uniq('unknown')}`;
    expect((await call('POST', '/v1/chat/completions', { key, body: chatBody('m') })).status).toBe(401);
    expect(await env.KV.get(`tok:${await sha256Hex(key)}`)).toBeNull();
  });

  it('an IPv4-mapped IPv6 allow-list entry matches only its own range', async () => {
    const { user, token, model } = await setupCustomer();
    const mapped = await createToken(user.jwt, { allow_ips: ['::ffff:10.0.0.0/104'] });
    const from = (key: string, ip: string) =>
      call('POST', '/v1/chat/completions', { key, body: chatBody(model), headers: { 'cf-connecting-ip': ip } });
    expect((await from(mapped.key, '10.1.2.3')).status).toBe(200);
    expect((await from(mapped.key, '::ffff:10.9.9.9')).status).toBe(200);
    expect((await from(mapped.key, '11.0.0.1')).status).toBe(403);
    expect((await from(mapped.key, '::1')).status).toBe(403);
    // a mapped prefix shorter than /96 would reach beyond the mapped range: refused when set
    const wide = await call<Err>('POST', '/api/tokens', {
      jwt: user.jwt,
      body: { name: 'wide', allow_ips: ['::ffff:10.0.0.0/8'] },
    });
    expect(wide.status).toBe(400);
    expect(wide.body.error.message).toMatch(/allow_ips/);
    expect(token.id).toBeGreaterThan(0);
  });

  it("an upstream 400 goes back in the client's format with key-like text scrubbed", async () => {
    const { token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'error', {
      status: 400,
      message: 'Invalid value for key sk-proj-abcdefghijklmnop1234 in messages[0]',
      code: 'invalid_value',
    });
    const res = await call<{ type: string; error: { type: string; message: string } }>('POST', '/v1/messages', {
      headers: { 'x-api-key': token.key },
      body: { model, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('error');
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toContain('messages[0]');
    expect(res.body.error.message).not.toContain('abcdefghijklmnop');
    const chat = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(chat.body.error.message).not.toContain('abcdefghijklmnop');
    expect(chat.body.error.code).toBe('invalid_value');
  });
});
