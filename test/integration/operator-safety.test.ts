/** Two-factor sign-in, the admin_totp_required option, and the audit log of admin changes (worker/security). */
import { describe, expect, it } from 'vitest';
import { call, createToken, createUser, login, rootJwt, uniq } from '../helpers';
import { newOrder } from '../support/payments';
import { codeAt } from '../../worker/security/totp';

const STEP_MS = 30_000;
type Err = { error: { code: string; message: string } };

/** Waits out the last seconds of a time step, so that codes of the steps around "now" stay valid through a test. */
async function freshStep(): Promise<number> {
  const into = Date.now() % STEP_MS;
  if (into > STEP_MS - 8000) await new Promise((r) => setTimeout(r, STEP_MS - into + 200));
  return Date.now();
}

/** A code that is none of those valid around `at`. */
function wrongCode(secret: string, at: number): string {
  const valid = new Set([-1, 0, 1].map((k) => codeAt(secret, at + k * STEP_MS)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

async function setUpTotp(jwt: string): Promise<string> {
  const setup = await call<{ secret: string; otpauth_url: string }>('POST', '/api/auth/totp/setup', { jwt });
  expect(setup.status).toBe(200);
  expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(setup.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]{32}.*period=30/);
  expect(setup.body.otpauth_url).toContain('algorithm=SHA1');
  expect(setup.body.otpauth_url).toContain('digits=6');
  return setup.body.secret;
}

async function createAdmin(root: string): Promise<{ id: number; username: string; password: string; jwt: string }> {
  const username = uniq('adm');
  const password = 'password-123';
  const made = await call<{ id: number }>('POST', '/api/users', {
    jwt: root,
    body: { username, password, role: 'admin' },
  });
  expect(made.status).toBe(201);
  return { id: made.body.id, username, password, jwt: await login(username, password) };
}

const loginWith = (username: string, password: string, totp?: string) =>
  call<Err & { token: string }>('POST', '/api/auth/login', {
    body: { username, password, ...(totp === undefined ? {} : { totp }) },
    headers: { 'cf-connecting-ip': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
  });

describe('two-factor sign-in', () => {
  it('is set up and enabled with a code; the login then needs a code, refuses a wrong or reused one', async () => {
    const admin = await rootJwt();
    const user = await createUser(admin);
    const now = await freshStep();
    const secret = await setUpTotp(user.jwt);
    expect((await call<{ enabled: boolean }>('GET', '/api/auth/totp', { jwt: user.jwt })).body.enabled).toBe(false);
    // Not on yet: a login needs no code.
    expect((await loginWith(user.username, user.password)).status).toBe(200);
    const bad = await call<Err>('POST', '/api/auth/totp/enable', {
      jwt: user.jwt,
      body: { code: wrongCode(secret, now) },
    });
    expect(bad.status).toBe(400);
    const enabled = await call<{ enabled: boolean }>('POST', '/api/auth/totp/enable', {
      jwt: user.jwt,
      body: { code: codeAt(secret, now - STEP_MS) },
    });
    expect([enabled.status, enabled.body.enabled]).toEqual([200, true]);
    // A new secret cannot replace an enabled one without turning it off first.
    expect((await call('POST', '/api/auth/totp/setup', { jwt: user.jwt })).status).toBe(409);

    const without = await loginWith(user.username, user.password);
    expect([without.status, without.body.error.code]).toEqual([401, 'totp_required']);
    const wrong = await loginWith(user.username, user.password, wrongCode(secret, now));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).not.toBe('totp_required');
    // The enabling code is used up.
    expect((await loginWith(user.username, user.password, codeAt(secret, now - STEP_MS))).status).toBe(401);
    // A wrong password with the right code tells nothing about the code.
    expect((await loginWith(user.username, 'not-the-password', codeAt(secret, now))).status).toBe(401);

    const right = await loginWith(user.username, user.password, codeAt(secret, now));
    expect(right.status).toBe(200);
    expect(right.body.token).toBeTruthy();
    const reused = await loginWith(user.username, user.password, codeAt(secret, now));
    expect(reused.status).toBe(401);
    // A later code still works.
    expect((await loginWith(user.username, user.password, codeAt(secret, now + STEP_MS))).status).toBe(200);
  });

  it('is turned off with a current code, and the login needs none again', async () => {
    const user = await createUser(await rootJwt());
    const now = await freshStep();
    const secret = await setUpTotp(user.jwt);
    expect(
      (await call('POST', '/api/auth/totp/enable', { jwt: user.jwt, body: { code: codeAt(secret, now - STEP_MS) } }))
        .status,
    ).toBe(200);
    expect(
      (await call('POST', '/api/auth/totp/disable', { jwt: user.jwt, body: { code: codeAt(secret, now - STEP_MS) } }))
        .status,
    ).toBe(400);
    expect((await call('POST', '/api/auth/totp/disable', { jwt: user.jwt, body: { code: 'abc' } })).status).toBe(400);
    const off = await call<{ enabled: boolean }>('POST', '/api/auth/totp/disable', {
      jwt: user.jwt,
      body: { code: codeAt(secret, now) },
    });
    expect([off.status, off.body.enabled]).toEqual([200, false]);
    expect((await loginWith(user.username, user.password)).status).toBe(200);
  });

  it('admin_totp_required holds admins without it back from admin routes until they turn it on', async () => {
    const root = await rootJwt();
    const guard = await createAdmin(root);
    const other = await createAdmin(root);
    const now = await freshStep();
    const guardSecret = await setUpTotp(guard.jwt);
    expect(
      (
        await call('POST', '/api/auth/totp/enable', {
          jwt: guard.jwt,
          body: { code: codeAt(guardSecret, now - STEP_MS) },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('PUT', '/api/options', { jwt: guard.jwt, body: { security: { admin_totp_required: true } } })).status,
    ).toBe(200);
    try {
      const held = await call<Err>('GET', '/api/channels', { jwt: other.jwt });
      expect([held.status, held.body.error.code]).toEqual([403, 'totp_required']);
      const rootHeld = await call<Err>('PUT', '/api/options', {
        jwt: root,
        body: { security: { admin_totp_required: false } },
      });
      expect([rootHeld.status, rootHeld.body.error.code]).toEqual([403, 'totp_required']);
      expect((await call('GET', '/api/auth/me', { jwt: other.jwt })).status).toBe(200);
      // The admin with a second factor is not held back.
      expect((await call('GET', '/api/channels', { jwt: guard.jwt })).status).toBe(200);
      // A customer is not affected.
      const customer = await createUser(guard.jwt);
      expect((await call('GET', '/api/tokens', { jwt: customer.jwt })).status).toBe(200);
      // Turning it on opens the admin routes.
      const secret = await setUpTotp(other.jwt);
      expect(
        (await call('POST', '/api/auth/totp/enable', { jwt: other.jwt, body: { code: codeAt(secret, now) } })).status,
      ).toBe(200);
      expect((await call('GET', '/api/channels', { jwt: other.jwt })).status).toBe(200);
      // The dashboard's admin pages are held back too.
      const page = await call('GET', '/admin/channels', { headers: { cookie: `relay_session=${root}` } });
      expect(page.status).toBe(403);
    } finally {
      expect(
        (await call('PUT', '/api/options', { jwt: guard.jwt, body: { security: { admin_totp_required: false } } }))
          .status,
      ).toBe(200);
    }
    expect((await call('GET', '/api/channels', { jwt: root })).status).toBe(200);
  });
});

interface AuditItem {
  id: number;
  at: string;
  actor_id: number;
  action: string;
  target: string | null;
  summary: string;
  ip: string | null;
}

describe('audit log', () => {
  it('records every admin change, newest first, with no secret in it', async () => {
    const root = await rootJwt();
    const admin = await createAdmin(root);
    const secrets: string[] = [];
    const ip = '203.0.113.77';
    const as = (method: string, path: string, body?: unknown) =>
      call<{ id: number; key: string; codes: string[] }>(method, path, {
        jwt: admin.jwt,
        body,
        headers: { 'cf-connecting-ip': ip },
      });

    const upstreamKey = `sk-upstream${uniq('k')}abcdefghijklmnop`;
    secrets.push(upstreamKey);
    const channel = await as('POST', '/api/channels', {
      name: uniq('audited-'),
      type: 'openai',
      base_url: 'http://127.0.0.1:9/v1',
      keys: [upstreamKey],
      models: ['m-audit'],
    });
    expect(channel.status).toBe(201);
    const newKey = `sk-upstream${uniq('n')}qrstuvwxyz012345`;
    secrets.push(newKey);
    expect((await as('PATCH', `/api/channels/${channel.body.id}`, { keys: [newKey], priority: 3 })).status).toBe(200);
    expect((await as('PUT', '/api/pricing', { models: { 'm-audit': { model_ratio: 2 } } })).status).toBe(200);
    const password = `pw-${uniq('p')}-secret`;
    secrets.push(password);
    const made = await as('POST', '/api/users', { username: uniq('aud'), password });
    expect(made.status).toBe(201);
    const password2 = `pw2-${uniq('p')}-secret`;
    secrets.push(password2);
    expect((await as('PATCH', `/api/users/${made.body.id}`, { password: password2, group: 'vip' })).status).toBe(200);
    expect((await as('POST', `/api/users/${made.body.id}/quota`, { delta: 12345, note: 'goodwill' })).status).toBe(200);
    const token = await as('POST', '/api/tokens', { name: 'for-them', user_id: made.body.id });
    expect(token.status).toBe(201);
    secrets.push(token.body.key);
    const rotated = await as('POST', `/api/tokens/${token.body.id}/rotate`);
    secrets.push(rotated.body.key);
    expect((await as('PATCH', `/api/tokens/${token.body.id}`, { status: 'disabled' })).status).toBe(200);
    expect((await as('PUT', '/api/options', { site_name: 'Audited Relay' })).status).toBe(200);
    const codes = await as('POST', '/api/redemptions', { count: 2, quota: 1000, name: 'promo' });
    expect(codes.status).toBe(201);
    secrets.push(...codes.body.codes);
    const customer = await createUser(root);
    const order = await newOrder(customer.jwt, { amount: 20, method: 'stripe' });
    expect(
      (await as('POST', `/api/topup/orders/${order.order_no}/complete`, { note: 'paid by bank transfer' })).status,
    ).toBe(200);
    expect((await as('DELETE', `/api/channels/${channel.body.id}`)).status).toBe(204);
    // A customer's own key is not an admin change.
    await createToken(customer.jwt);

    const res = await call<{ items: AuditItem[]; next_cursor: string | null }>('GET', `/api/audit?actor=${admin.id}`, {
      jwt: root,
    });
    expect(res.status).toBe(200);
    const items = res.body.items;
    expect(items.map((i) => i.action)).toEqual([
      'channel.delete',
      'order.complete',
      'codes.create',
      'options.update',
      'token.update',
      'token.rotate',
      'token.create',
      'user.quota',
      'user.update',
      'user.create',
      'pricing.update',
      'channel.update',
      'channel.create',
    ]);
    expect(items.every((i) => i.actor_id === admin.id && i.ip === ip)).toBe(true);
    expect(items.map((i) => i.id)).toEqual([...items.map((i) => i.id)].sort((a, b) => b - a));
    const byAction = Object.fromEntries(items.map((i) => [i.action, i]));
    expect(byAction['channel.create'].target).toBe(`channel:${channel.body.id}`);
    expect(byAction['user.quota'].summary).toContain('12345');
    expect(byAction['user.update'].summary).toContain('password set');
    expect(byAction['order.complete'].target).toBe(`order:${order.order_no}`);
    const text = JSON.stringify(res.body);
    for (const s of secrets) expect(text).not.toContain(s);

    const filtered = await call<{ items: AuditItem[] }>('GET', `/api/audit?action=user.quota&actor=${admin.id}`, {
      jwt: root,
    });
    expect(filtered.body.items.map((i) => i.action)).toEqual(['user.quota']);
    const page1 = await call<{ items: AuditItem[]; next_cursor: string | null }>(
      'GET',
      `/api/audit?actor=${admin.id}&limit=5`,
      { jwt: root },
    );
    const page2 = await call<{ items: AuditItem[] }>(
      'GET',
      `/api/audit?actor=${admin.id}&limit=5&cursor=${page1.body.next_cursor}`,
      { jwt: root },
    );
    expect([...page1.body.items, ...page2.body.items].map((i) => i.id)).toEqual(items.slice(0, 10).map((i) => i.id));

    expect((await call('GET', '/api/audit', { jwt: customer.jwt })).status).toBe(403);
    const html = await call<string>('GET', '/admin/audit', { headers: { cookie: `relay_session=${root}` } });
    expect(html.status).toBe(200);
    expect(html.body).toContain('data-testid="audit"');
    expect(html.body).toContain('order.complete');
  });
});
