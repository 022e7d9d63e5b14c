/**
 * Cloudflare Turnstile against a local fake of siteverify (test/support/turnstile.mjs).
 *
 * Turnstile is on only when TURNSTILE_SITE_KEY and TURNSTILE_SECRET are set, and every other test
 * runs without them. So these tests hand the real Worker (worker/index.ts, its fetch handler) the
 * same bindings plus those three settings, exactly as wrangler would pass them to a deployment
 * where they are set; the D1 database, KV and objects are the same ones the rest of the suite uses.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../../worker/index';
import type { Env } from '../../worker/env';
import { createClient } from '../support/client.mjs';
import { BASE, call, createUser, rootJwt, uniq } from '../helpers';

const SECRET = 'turnstile-secret-for-tests';
const SITE_KEY = '0x4AAAAAAAtestsitekey';
type Err = { error: { code: string } };

function withSettings(extra: Partial<Env>) {
  const turnstileEnv: Env = { ...env, ...extra };
  return createClient(async (url, init) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(url, init), turnstileEnv, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }, BASE);
}

const siteverify = () => `${inject('turnstileUrl')}/turnstile/v0/siteverify`;
const on = () =>
  withSettings({ TURNSTILE_SITE_KEY: SITE_KEY, TURNSTILE_SECRET: SECRET, TURNSTILE_VERIFY_URL: siteverify() });
const ip = () => `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function asked(token: string): Promise<{ contentType: string; form: Record<string, string> }[]> {
  const res = await fetch(`${inject('turnstileUrl')}/__requests?response=${encodeURIComponent(token)}`);
  return ((await res.json()) as { requests: { contentType: string; form: Record<string, string> }[] }).requests;
}

beforeAll(async () => {
  expect(
    (await call('PUT', '/api/options', { jwt: await rootJwt(), body: { signup: { enabled: true, bonus: 0 } } })).status,
  ).toBe(200);
});

describe('Turnstile', () => {
  it("sign-up needs a token that siteverify accepts, sent with the secret and the caller's IP", async () => {
    const relay = on();
    const from = ip();
    const body = () => ({ username: uniq('ts'), password: 'password-123', email: `${uniq('ts')}@example.test` });
    const missing = await relay.call<Err>('POST', '/api/auth/register', {
      body: body(),
      headers: { 'cf-connecting-ip': from },
    });
    expect([missing.status, missing.body.error.code]).toEqual([403, 'captcha_failed']);
    const refused = await relay.call<Err>('POST', '/api/auth/register', {
      body: { ...body(), turnstile_token: 'fail-token' },
      headers: { 'cf-connecting-ip': from },
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'captcha_failed']);

    const token = `pass-${uniq('t')}`;
    const ok = await relay.call('POST', '/api/auth/register', {
      body: { ...body(), turnstile_token: token },
      headers: { 'cf-connecting-ip': from },
    });
    expect(ok.status).toBe(201);
    const [req] = await asked(token);
    expect(req.contentType).toContain('application/x-www-form-urlencoded');
    expect(req.form).toEqual({ secret: SECRET, response: token, remoteip: from });
    // A token works once.
    const again = await relay.call<Err>('POST', '/api/auth/register', {
      body: { ...body(), turnstile_token: token },
      headers: { 'cf-connecting-ip': from },
    });
    expect([again.status, again.body.error.code]).toEqual([403, 'captcha_failed']);
  });

  it('a password reset request needs a token', async () => {
    const relay = on();
    const email = `${uniq('r')}@example.test`;
    const missing = await relay.call<Err>('POST', '/api/auth/password-reset', {
      body: { email },
      headers: { 'cf-connecting-ip': ip() },
    });
    expect([missing.status, missing.body.error.code]).toEqual([403, 'captcha_failed']);
    const ok = await relay.call('POST', '/api/auth/password-reset', {
      body: { email, turnstile_token: `pass-${uniq('t')}` },
      headers: { 'cf-connecting-ip': ip() },
    });
    expect(ok.status).toBe(202);
  });

  it('a login needs a token only after 3 failures from the same IP', async () => {
    const relay = on();
    const user = await createUser(await rootJwt());
    const from = ip();
    const login = (password: string, extra: Record<string, unknown> = {}, at = from) =>
      relay.call<Err & { token: string }>('POST', '/api/auth/login', {
        body: { username: user.username, password, ...extra },
        headers: { 'cf-connecting-ip': at },
      });
    // From a clean IP, no token is asked for.
    expect((await login(user.password, {}, ip())).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login('wrong-password')).status).toBe(401);
    const held = await login(user.password);
    expect([held.status, held.body.error.code]).toEqual([403, 'captcha_failed']);
    expect((await login(user.password, { turnstile_token: 'fail-token' })).status).toBe(403);
    const ok = await login(user.password, { turnstile_token: `pass-${uniq('t')}` });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeTruthy();
  });

  it('refuses when siteverify answers an error, or another secret is configured', async () => {
    const wrongSecret = withSettings({
      TURNSTILE_SITE_KEY: SITE_KEY,
      TURNSTILE_SECRET: 'another-secret',
      TURNSTILE_VERIFY_URL: siteverify(),
    });
    const refused = await wrongSecret.call<Err>('POST', '/api/auth/password-reset', {
      body: { email: 'x@example.test', turnstile_token: `pass-${uniq('t')}` },
      headers: { 'cf-connecting-ip': ip() },
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'captcha_failed']);
    const relay = withSettings({
      TURNSTILE_SITE_KEY: SITE_KEY,
      TURNSTILE_SECRET: SECRET,
      TURNSTILE_VERIFY_URL: `${inject('turnstileUrl')}/not-siteverify`,
    });
    const res = await relay.call<Err>('POST', '/api/auth/password-reset', {
      body: { email: 'x@example.test', turnstile_token: `pass-${uniq('t')}` },
      headers: { 'cf-connecting-ip': ip() },
    });
    expect([res.status, res.body.error.code]).toEqual([403, 'captcha_failed']);
  });

  it('is off without the keys: no token is needed', async () => {
    const res = await call('POST', '/api/auth/password-reset', {
      body: { email: `${uniq('r')}@example.test` },
      headers: { 'cf-connecting-ip': ip() },
    });
    expect(res.status).toBe(202);
    const page = await SELF.fetch(`${BASE}/signup`);
    expect(await page.text()).not.toContain('cf-turnstile');
  });

  it("the login, sign-up and reset pages render the widget, and their CSP lets Cloudflare's script in", async () => {
    const relay = on();
    for (const path of ['/login', '/signup', '/forgot-password']) {
      const page = await relay.call<string>('GET', path);
      expect(page.status).toBe(200);
      expect(page.body).toContain(
        `class="cf-turnstile" data-sitekey="${SITE_KEY}" data-response-field-name="turnstile_token"`,
      );
      expect(page.body).toContain('src="https://challenges.cloudflare.com/turnstile/v0/api.js"');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com");
      expect(csp).toContain('frame-src https://challenges.cloudflare.com');
    }
  });
});
