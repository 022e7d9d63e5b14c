import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, createChannel, createToken, createUser, rootJwt, uniq, upstreamUrl } from '../helpers';

type Err = { error: { message: string; type: string; code: string } };

describe('users', () => {
  it('creates a user with an opening balance, a ledger entry and a live quota', async () => {
    const admin = await rootJwt();
    const username = uniq('alice');
    const res = await call<{ id: number; quota: number; group: string; status: string; used_quota: number }>(
      'POST',
      '/api/users',
      { jwt: admin, body: { username, password: 'password-123', quota: 5000, group: 'vip' } },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username, group: 'vip', quota: 5000, used_quota: 0, status: 'enabled' });
    const ledger = await env.DB.prepare('SELECT delta, reason FROM ledger WHERE user_id = ?').bind(res.body.id).all();
    expect(ledger.results).toEqual([{ delta: 5000, reason: 'initial' }]);
  });

  it('tops up and adjusts through the account, never below zero', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin, { quota: 100 });
    const up = await call<{ quota: number }>('POST', `/api/users/${u.id}/quota`, {
      jwt: admin,
      body: { delta: 900, note: 'bank transfer 42' },
    });
    expect(up.status).toBe(200);
    expect(up.body.quota).toBe(1000);
    const down = await call<{ quota: number }>('POST', `/api/users/${u.id}/quota`, {
      jwt: admin,
      body: { delta: -400, note: 'refund' },
    });
    expect(down.body.quota).toBe(600);
    const tooMuch = await call<Err>('POST', `/api/users/${u.id}/quota`, { jwt: admin, body: { delta: -601 } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.message).toMatch(/delta/);
    expect((await call<{ quota: number }>('GET', `/api/users/${u.id}`, { jwt: u.jwt })).body.quota).toBe(600);
    const rows = await env.DB.prepare('SELECT delta, note FROM ledger WHERE user_id = ? ORDER BY id').bind(u.id).all();
    expect(rows.results.map((r) => r.delta)).toEqual([100, 900, -400]);
    expect(rows.results[1].note).toBe('bank transfer 42');
  });

  it('answers 409 for a taken username and 400 naming the field for bad input', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    expect(
      (await call('POST', '/api/users', { jwt: admin, body: { username: u.username, password: 'password-123' } }))
        .status,
    ).toBe(409);
    const bad = await call<Err>('POST', '/api/users', {
      jwt: admin,
      body: { username: 'x', password: 'password-123' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^username/);
    const badQuota = await call<Err>('POST', '/api/users', {
      jwt: admin,
      body: { username: uniq('q'), password: 'password-123', quota: -5 },
    });
    expect(badQuota.body.error.message).toMatch(/^quota/);
    const notJson = await call<Err>('POST', '/api/users', { jwt: admin, raw: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('patches group, status and password; 404 for a missing user', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const res = await call<{ group: string }>('PATCH', `/api/users/${u.id}`, { jwt: admin, body: { group: 'vip' } });
    expect(res.body.group).toBe('vip');
    expect((await call('PATCH', '/api/users/999999', { jwt: admin, body: { group: 'vip' } })).status).toBe(404);
    expect((await call('PATCH', `/api/users/${u.id}`, { jwt: admin, body: {} })).status).toBe(400);
  });

  it('keeps customers out of admin routes and other users', async () => {
    const admin = await rootJwt();
    const a = await createUser(admin);
    const b = await createUser(admin);
    expect(
      (await call('POST', '/api/users', { jwt: a.jwt, body: { username: uniq('x'), password: 'password-123' } }))
        .status,
    ).toBe(403);
    expect((await call('GET', '/api/users', { jwt: a.jwt })).status).toBe(403);
    expect((await call('POST', `/api/users/${a.id}/quota`, { jwt: a.jwt, body: { delta: 1000000 } })).status).toBe(403);
    expect((await call('PATCH', `/api/users/${a.id}`, { jwt: a.jwt, body: { group: 'vip' } })).status).toBe(403);
    expect((await call('GET', `/api/users/${b.id}`, { jwt: a.jwt })).status).toBe(404);
    expect((await call('GET', `/api/users/${a.id}`, { jwt: a.jwt })).status).toBe(200);
  });
});

describe('tokens', () => {
  it('creates a key shown once: sk- and 48 letters or digits; lists mask it', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const res = await call<{ id: number; key: string; status: string }>('POST', '/api/tokens', {
      jwt: u.jwt,
      body: {
        name: 'laptop',
        allow_ips: ['10.0.0.0/8', '2001:db8::/32'],
        models: ['gpt-4o'],
        rpm_limit: 10,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sk-[A-Za-z0-9]{48}$/);
    expect(res.body.status).toBe('enabled');
    const list = await call<{ items: { key: string; id: number }[] }>('GET', '/api/tokens', { jwt: u.jwt });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].key).not.toBe(res.body.key);
    expect(list.body.items[0].key).toMatch(/^sk-\w{4}\.\.\.\w{4}$/);
    expect(JSON.stringify(list.body)).not.toContain(res.body.key.slice(10, 40));
  });

  it('rejects bad fields with 400 naming them', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'x', allow_ips: ['not-an-ip'] }, /^allow_ips/],
      [{ name: 'x', expires_at: 'tomorrow' }, /^expires_at/],
      [{ name: 'x', expires_at: new Date(Date.now() - 1000).toISOString() }, /^expires_at/],
      [{ name: 'x', rpm_limit: -1 }, /^rpm_limit/],
      [{ name: '' }, /^name/],
      [{ name: 'x', remain_quota: 1.5 }, /^remain_quota/],
    ];
    for (const [body, field] of cases) {
      const res = await call<Err>('POST', '/api/tokens', { jwt: u.jwt, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(field);
    }
  });

  it("lets only an admin choose a key's group", async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    expect((await call('POST', '/api/tokens', { jwt: u.jwt, body: { name: 'cheap', group: 'cheap' } })).status).toBe(
      403,
    );
    const t = await createToken(u.jwt);
    expect((await call('PATCH', `/api/tokens/${t.id}`, { jwt: u.jwt, body: { group: 'cheap' } })).status).toBe(403);
    const byAdmin = await call<{ group: string; user_id: number }>('POST', '/api/tokens', {
      jwt: admin,
      body: { name: 'vip', user_id: u.id, group: 'vip' },
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ group: 'vip', user_id: u.id });
  });

  it("keeps one customer away from another's keys", async () => {
    const admin = await rootJwt();
    const a = await createUser(admin);
    const b = await createUser(admin);
    const t = await createToken(a.jwt);
    expect((await call('GET', `/api/tokens/${t.id}`, { jwt: b.jwt })).status).toBe(404);
    expect((await call('PATCH', `/api/tokens/${t.id}`, { jwt: b.jwt, body: { status: 'disabled' } })).status).toBe(404);
    expect((await call('DELETE', `/api/tokens/${t.id}`, { jwt: b.jwt })).status).toBe(404);
    expect((await call('POST', `/api/tokens/${t.id}/rotate`, { jwt: b.jwt })).status).toBe(404);
    expect((await call('POST', '/api/tokens', { jwt: b.jwt, body: { name: 'x', user_id: a.id } })).status).toBe(403);
    const listB = await call<{ items: unknown[] }>('GET', `/api/tokens?user_id=${a.id}`, { jwt: b.jwt });
    expect(listB.status).toBe(403);
    expect((await call('GET', `/api/tokens/${t.id}`, { jwt: admin })).status).toBe(200);
  });

  it('patches, rotates and deletes', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const t = await createToken(u.jwt);
    const patched = await call<{ name: string; status: string; remain_quota: number }>('PATCH', `/api/tokens/${t.id}`, {
      jwt: u.jwt,
      body: { name: 'renamed', status: 'disabled', remain_quota: 500 },
    });
    expect(patched.body).toMatchObject({ name: 'renamed', status: 'disabled', remain_quota: 500 });
    const rotated = await call<{ key: string }>('POST', `/api/tokens/${t.id}/rotate`, { jwt: u.jwt });
    expect(rotated.body.key).toMatch(/^sk-[A-Za-z0-9]{48}$/);
    expect(rotated.body.key).not.toBe(t.key);
    expect((await call('DELETE', `/api/tokens/${t.id}`, { jwt: u.jwt })).status).toBe(204);
    expect((await call('GET', `/api/tokens/${t.id}`, { jwt: u.jwt })).status).toBe(404);
  });
});

describe('channels', () => {
  it('creates a channel without ever echoing its keys', async () => {
    const admin = await rootJwt();
    const res = await call<Record<string, unknown>>('POST', '/api/channels', {
      jwt: admin,
      body: {
        name: 'main',
        type: 'openai',
        base_url: `${upstreamUrl()}/s/x`,
        keys: ['sk-upstream-secret-AAAA', 'sk-upstream-secret-BBBB'],
        models: ['gpt-4o'],
        model_mapping: { 'gpt-4o': 'gpt-4o-2024-08-06' },
      },
    });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(res.body).toMatchObject({
      status: 'enabled',
      key_count: 2,
      groups: ['default'],
      priority: 0,
      weight: 1,
      health: { state: 'closed', consecutive_failures: 0 },
    });
    const one = await call<Record<string, unknown>>('GET', `/api/channels/${res.body.id as number}`, { jwt: admin });
    expect(JSON.stringify(one.body)).not.toContain('secret');
    const list = await call<{ items: unknown[] }>('GET', '/api/channels', { jwt: admin });
    expect(JSON.stringify(list.body)).not.toContain('secret');
  });

  it('validates type, base_url, keys and models', async () => {
    const admin = await rootJwt();
    const base = { name: 'c', type: 'openai', base_url: 'https://api.example.com', keys: ['k'], models: ['m'] };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, base_url: 'ftp://x' }, /^base_url/],
      [{ ...base, base_url: 'not a url' }, /^base_url/],
      [{ ...base, type: 'nope' }, /^type/],
      [{ ...base, keys: [] }, /^keys/],
      [{ ...base, models: [] }, /^models/],
      [{ ...base, weight: -1 }, /^weight/],
    ];
    for (const [body, field] of cases) {
      const res = await call<Err>('POST', '/api/channels', { jwt: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(field);
    }
  });

  it('is for admins only', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const ch = await createChannel(admin, { models: ['m'] });
    expect((await call('GET', '/api/channels', { jwt: u.jwt })).status).toBe(403);
    expect((await call('POST', '/api/channels', { jwt: u.jwt, body: {} })).status).toBe(403);
    expect((await call('DELETE', `/api/channels/${ch.id}`, { jwt: u.jwt })).status).toBe(403);
  });

  it('patches and deletes; a test call reports latency or the error', async () => {
    const admin = await rootJwt();
    const ch = await createChannel(admin, { models: ['m'] });
    const patched = await call<{ priority: number; weight: number; status: string }>(
      'PATCH',
      `/api/channels/${ch.id}`,
      { jwt: admin, body: { priority: 5, weight: 3, status: 'disabled' } },
    );
    expect(patched.body).toMatchObject({ priority: 5, weight: 3, status: 'disabled' });
    const test = await call<{ ok: boolean; latency_ms: number }>('POST', `/api/channels/${ch.id}/test`, { jwt: admin });
    expect(test.body.ok).toBe(true);
    expect(test.body.latency_ms).toBeGreaterThanOrEqual(0);
    const broken = await createChannel(admin, { models: ['m'], base_url: 'http://127.0.0.1:9/v1' });
    const failed = await call<{ ok: boolean; error: string }>('POST', `/api/channels/${broken.id}/test`, {
      jwt: admin,
    });
    expect(failed.body.ok).toBe(false);
    expect(failed.body.error).toBeTruthy();
    expect((await call('DELETE', `/api/channels/${ch.id}`, { jwt: admin })).status).toBe(204);
    expect((await call('GET', `/api/channels/${ch.id}`, { jwt: admin })).status).toBe(404);
  });
});

describe('pricing', () => {
  it('is public to read, admin-only to change, merged and recorded', async () => {
    const admin = await rootJwt();
    const model = uniq('m-');
    const put = await call<{
      models: { model: string; model_ratio: number; completion_ratio: number | null }[];
      groups: Record<string, number>;
    }>('PUT', '/api/pricing', {
      jwt: admin,
      body: { models: { [model]: { model_ratio: 2.5, completion_ratio: 4 } }, groups: { vip: 0.8 } },
    });
    expect(put.status).toBe(200);
    await call('PUT', '/api/pricing', { jwt: admin, body: { models: { [model]: { cache_ratio: 0.1 } } } });
    const pub = await call<{
      quota_per_usd: number;
      models: Record<string, unknown>[];
      groups: Record<string, number>;
    }>('GET', '/api/pricing');
    expect(pub.status).toBe(200);
    expect(pub.body.quota_per_usd).toBe(500000);
    expect(pub.body.groups.vip).toBe(0.8);
    expect(pub.body.models.find((m) => m.model === model)).toEqual({
      model,
      model_ratio: 2.5,
      completion_ratio: 4,
      cache_ratio: 0.1,
      cache_write_ratio: 1,
      cache_write_1h_ratio: 1,
      tiers: [],
      pinned: false,
      price_per_call: null,
      max_output_tokens: null,
    });
    const history = await call<{ items: { change: unknown }[] }>('GET', '/api/pricing/history', { jwt: admin });
    expect(history.body.items.length).toBeGreaterThanOrEqual(2);
    const u = await createUser(admin);
    expect((await call('PUT', '/api/pricing', { jwt: u.jwt, body: { groups: { default: 0 } } })).status).toBe(403);
    const bad = await call<Err>('PUT', '/api/pricing', {
      jwt: admin,
      body: { models: { [model]: { model_ratio: -1 } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/model_ratio/);
  });
});

describe('secrets at rest', () => {
  it('stores no password, API key or upstream key in clear', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const t = await createToken(u.jwt);
    const upstreamKey = `sk-upstream-${uniq('plain')}`;
    await createChannel(admin, { models: ['m'], keys: [upstreamKey] });
    const dump: string[] = [];
    for (const table of ['users', 'tokens', 'channels', 'ledger', 'logs', 'events']) {
      const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
      dump.push(JSON.stringify(results));
    }
    const all = dump.join('\n');
    expect(all).not.toContain(u.password);
    expect(all).not.toContain(t.key);
    expect(all).not.toContain(t.key.slice(3, 30));
    expect(all).not.toContain(upstreamKey);
    const row = await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?')
      .bind(u.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2\$100000\$/);
    const kv = await env.KV.list();
    const values = await Promise.all(kv.keys.map((k) => env.KV.get(k.name)));
    expect(values.join('\n')).not.toContain(upstreamKey);
  });
});

describe('docs', () => {
  it('publishes the OpenAPI document and a readable docs page', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, unknown> }>('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/tokens', '/api/channels/{id}/test', '/api/pricing', '/api/logs']),
    );
    const page = await call<string>('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('/api/openapi.json'); // the renderer reads the document above
  });

  it('declares a typed JSON answer for every operation it documents', async () => {
    type Operation = { responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> };
    const doc = await call<{ paths: Record<string, Record<string, Operation>> }>('GET', '/api/openapi.json');
    const untyped: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.body.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const ok = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'));
        if (ok?.[0] === '204') continue;
        const schema = ok?.[1].content?.['application/json']?.schema;
        const typed =
          schema &&
          (schema.$ref !== undefined ||
            schema.type !== undefined ||
            schema.anyOf !== undefined ||
            schema.allOf !== undefined);
        if (!typed || (schema.type === 'object' && !schema.properties && !schema.additionalProperties))
          untyped.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(untyped).toEqual([]);
    expect(operations).toBeGreaterThanOrEqual(40);
  });
});
