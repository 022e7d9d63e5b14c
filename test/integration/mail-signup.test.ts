import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, login, rootJwt, uniq } from '../helpers';
import { accountOf } from '../../worker/account/client';
import { signLink } from '../../worker/mail/sign';
import { confirmAddress, linkIn, mailsTo, waitForMails } from '../support/mail';

const BONUS = 250_000;
const ip = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const register = (body: Record<string, unknown>, from = ip()) =>
  call<{ id: number; error: { code: string } }>('POST', '/api/auth/register', {
    body,
    headers: { 'cf-connecting-ip': from },
  });

async function signupOpen(open: boolean) {
  const res = await call('PUT', '/api/options', {
    jwt: await rootJwt(),
    body: { signup: { enabled: open, bonus: BONUS } },
  });
  expect(res.status).toBe(200);
}

async function bonusRows(userId: number, admin: string): Promise<number> {
  const res = await call<{ items: { note: string | null; delta: number }[] }>('GET', `/api/users/${userId}/ledger`, {
    jwt: admin,
  });
  return res.body.items.filter((r) => r.note === 'sign-up bonus').length;
}

describe('self sign-up', () => {
  it('is closed by default, then verifies the address by a mailed link and credits the bonus once', async () => {
    const username = uniq('su');
    const email = `${username}@example.test`;
    await signupOpen(false);
    const closed = await register({ username, password: 'password-123', email });
    expect(closed.status).toBe(403);
    expect(closed.body.error.code).toBe('signup_closed');
    await signupOpen(true);
    expect((await register({ username, password: 'short', email })).status).toBe(400);
    const made = await register({ username, password: 'password-123', email });
    expect(made.status).toBe(201);
    expect((await register({ username, password: 'password-123', email: `other-${email}` })).status).toBe(409);
    // Not yet confirmed: logging in is refused.
    const early = await call<{ error: { code: string } }>('POST', '/api/auth/login', {
      body: { username, password: 'password-123' },
    });
    expect([early.status, early.body.error.code]).toEqual([403, 'email_unverified']);

    const [mail] = await waitForMails(email);
    expect(mail.headers.subject).toBe('Confirm your email address');
    const link = linkIn(mail.text, '/mail/verify');
    const forged = await signLink(
      { ...env, JWT_SECRET: 'another-secret-that-is-long-enough-0123456789' },
      { p: 'verify', u: made.body.id, e: email, exp: Date.now() + 60_000 },
    );
    expect((await call('POST', `/mail/verify?t=${forged}`)).status).toBe(404);
    const expired = await signLink(env, { p: 'verify', u: made.body.id, e: email, exp: Date.now() - 1 });
    expect((await call('POST', `/mail/verify?t=${expired}`)).status).toBe(404);
    expect((await call('GET', link.slice(BASE.length))).status).toBe(200);
    expect((await call('POST', link.slice(BASE.length))).status).toBe(200);
    expect((await call('POST', link.slice(BASE.length))).status).toBe(200);
    // Confirmed, the address is taken (before, it reserved nothing).
    expect(
      (await register({ username: uniq('su'), password: 'password-123', email: email.toUpperCase() })).status,
    ).toBe(409);
    const admin = await rootJwt();
    expect(await bonusRows(made.body.id, admin)).toBe(1);
    expect((await accountOf(env, made.body.id).balance()).quota).toBe(BONUS);
    const jwt = await login(username, 'password-123');
    expect((await call('GET', '/api/notifications', { jwt })).body).toMatchObject({ email });
  });

  it('throttles sign-ups per IP', async () => {
    await signupOpen(true);
    const from = ip();
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        (await register({ username: uniq('th'), password: 'password-123', email: `${uniq('th')}@example.test` }, from))
          .status,
      );
    expect(codes.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(codes[11]).toBe(429);
  });
});

describe('password reset', () => {
  it('answers 202 for any address, mails a one-use link to a confirmed one, and ends other sessions', async () => {
    const admin = await rootJwt();
    const username = uniq('pr');
    const email = `${username}@example.test`;
    const { body: user } = await call<{ id: number }>('POST', '/api/users', {
      jwt: admin,
      body: { username, password: 'password-123' },
    });
    const oldJwt = await login(username, 'password-123');
    await confirmAddress(oldJwt, 'password-123', email);
    const unknown = await call('POST', '/api/auth/password-reset', { body: { email: `nobody-${email}` } });
    expect(unknown.status).toBe(202);
    const known = await call('POST', '/api/auth/password-reset', { body: { email } });
    expect(known.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    const mail = (await waitForMails(email, 2)).find((m) => m.headers.subject === 'Reset your password');
    if (!mail) throw new Error('no reset mail');
    expect(await mailsTo(`nobody-${email}`)).toHaveLength(0);
    const link = linkIn(mail.text, '/reset-password');
    expect((await call('GET', link.slice(BASE.length))).status).toBe(200);
    const token = new URL(link).searchParams.get('t')!;
    const expired = await signLink(env, { p: 'reset', u: user.id, v: 0, exp: Date.now() - 1 });
    expect(
      (await call('POST', '/api/auth/password-reset/confirm', { body: { token: expired, password: 'new-password-1' } }))
        .status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/auth/password-reset/confirm', { body: { token, password: 'new-password-1' } })).status,
    ).toBe(200);
    expect((await call('GET', '/api/auth/me', { jwt: oldJwt })).status).toBe(401);
    const again = await call<{ error: { code: string } }>('POST', '/api/auth/password-reset/confirm', {
      body: { token, password: 'new-password-2' },
    });
    expect(again.status).toBe(400);
    await login(username, 'new-password-1');
  });
});
