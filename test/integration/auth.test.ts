import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { BASE, call, createUser, rootJwt } from '../helpers';
import { SELF } from 'cloudflare:test';
import { testBindings } from '../test-bindings';

describe('auth: happy path', () => {
  it('logs in with a JWT and an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: testBindings.ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ token: string; user: { username: string; role: string } }>();
    expect(body.token.split('.')).toHaveLength(3);
    expect(body.user).toMatchObject({ username: 'root', role: 'admin' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/relay_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http here; https gets Secure
  });

  it('marks the cookie Secure over HTTPS', async () => {
    const res = await SELF.fetch('https://relay.test/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: testBindings.ADMIN_PASSWORD }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/Secure/i);
  });

  it('accepts the session cookie for reads; changes need the CSRF header', async () => {
    const jwt = await rootJwt();
    const cookie = `relay_session=${jwt}`;
    const me = await SELF.fetch(`${BASE}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    const forged = await SELF.fetch(`${BASE}/api/users`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'csrf-victim', password: 'password-123' }),
    });
    expect(forged.status).toBe(403);
    const real = await SELF.fetch(`${BASE}/api/users`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-relay-csrf': '1' },
      body: JSON.stringify({ username: `csrf-ok-${Date.now()}`, password: 'password-123' }),
    });
    expect(real.status).toBe(201);
  });

  it('logout clears the cookie', async () => {
    const res = await SELF.fetch(`${BASE}/api/auth/logout`, { method: 'POST' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/relay_session=;/);
  });

  it('lets a user change their own password', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    const wrong = await call('POST', '/api/auth/password', {
      jwt: u.jwt,
      body: { current_password: 'nope-nope', new_password: 'brand-new-pass' },
    });
    expect(wrong.status).toBe(400);
    await new Promise((r) => setTimeout(r, 1100)); // sessions are dated to the second
    const ok = await call<{ token: string }>('POST', '/api/auth/password', {
      jwt: u.jwt,
      body: { current_password: u.password, new_password: 'brand-new-pass' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/relay_session=/);
    // the session that changed it is renewed; the old one, like every other, has ended
    expect((await call('GET', '/api/auth/me', { jwt: ok.body.token })).status).toBe(200);
    expect((await call('GET', '/api/auth/me', { jwt: u.jwt })).status).toBe(401);
    expect(
      (await call('POST', '/api/auth/login', { body: { username: u.username, password: 'brand-new-pass' } })).status,
    ).toBe(200);
  });

  it("ends a user's sessions when an admin resets their password", async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    expect((await call('GET', '/api/auth/me', { jwt: u.jwt })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    await call('PATCH', `/api/users/${u.id}`, { jwt: admin, body: { password: 'reset-by-admin' } });
    expect((await call('GET', '/api/auth/me', { jwt: u.jwt })).status).toBe(401);
  });
});

describe('auth: error and security cases', () => {
  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const a = await call('POST', '/api/auth/login', {
      body: { username: 'root', password: 'wrong-password' },
      headers: { 'cf-connecting-ip': '198.51.100.1' },
    });
    const b = await call('POST', '/api/auth/login', {
      body: { username: 'nobody-here', password: 'wrong-password' },
      headers: { 'cf-connecting-ip': '198.51.100.2' },
    });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
  });

  it('answers 400 naming the field for a bad login body', async () => {
    const res = await call<{ error: { message: string; code: string } }>('POST', '/api/auth/login', {
      body: { username: 'root' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/password/);
  });

  it('answers 401 without a session and with a forged or expired JWT', async () => {
    expect((await call('GET', '/api/tokens')).status).toBe(401);
    expect((await call('GET', '/api/tokens', { jwt: 'not.a.jwt' })).status).toBe(401);
    const secret = new TextEncoder().encode(testBindings.JWT_SECRET);
    const expired = await new SignJWT({ role: 'admin', username: 'root' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret);
    expect((await call('GET', '/api/users/1', { jwt: expired })).status).toBe(401);
    const forged = await new SignJWT({ role: 'admin', username: 'root' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect((await call('GET', '/api/users/1', { jwt: forged })).status).toBe(401);
  });

  it('slows and then refuses repeated failed logins for one username with 429', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    let last = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 9; i++) {
      const res = await call('POST', '/api/auth/login', {
        body: { username: u.username, password: 'wrong-password' },
        headers: { 'cf-connecting-ip': `192.0.2.${i + 10}` },
      });
      last = res.status;
      retryAfter = res.headers.get('retry-after');
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // even the right password is refused while locked
    const right = await call('POST', '/api/auth/login', {
      body: { username: u.username, password: u.password },
      headers: { 'cf-connecting-ip': '192.0.2.99' },
    });
    expect(right.status).toBe(429);
  }, 40_000);

  it('refuses a disabled user', async () => {
    const admin = await rootJwt();
    const u = await createUser(admin);
    await call('PATCH', `/api/users/${u.id}`, { jwt: admin, body: { status: 'disabled' } });
    expect(
      (await call('POST', '/api/auth/login', { body: { username: u.username, password: u.password } })).status,
    ).toBe(401);
    expect((await call('GET', '/api/tokens', { jwt: u.jwt })).status).toBe(401);
  });
});
