/** Issue 19, accounts: addresses need proof, one bonus per mailbox, sessions end with the password, names are plain text. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, createUser, login, rootJwt, uniq } from '../helpers';
import { confirmAddress, linkIn, mailsTo, waitForMails } from '../support/mail';

const BONUS = 250_000;
const ip = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
type Err = { error: { code: string; message: string } };
const register = (body: Record<string, unknown>) =>
  call<{ id: number } & Err>('POST', '/api/auth/register', { body, headers: { 'cf-connecting-ip': ip() } });

async function signupOpen(): Promise<void> {
  expect(
    (await call('PUT', '/api/options', { jwt: await rootJwt(), body: { signup: { enabled: true, bonus: BONUS } } }))
      .status,
  ).toBe(200);
}

/** Opens (POSTs) the confirmation link in the newest mail to `email` with this subject. */
async function confirmFrom(email: string, subject: string, count = 1): Promise<number> {
  const mails = await waitForMails(email, count);
  const mail = mails.filter((m) => m.headers.subject === subject).at(-1);
  if (!mail) throw new Error(`no "${subject}" mail to ${email}`);
  return (await call('POST', linkIn(mail.text, '/mail/verify').slice(BASE.length))).status;
}

async function bonusRows(userId: number): Promise<number> {
  const res = await call<{ items: { note: string | null }[] }>('GET', `/api/users/${userId}/ledger`, {
    jwt: await rootJwt(),
  });
  return res.body.items.filter((r) => r.note === 'sign-up bonus').length;
}

describe('an address taken without proof', () => {
  it("reserves nothing: the victim signs up, and the victim's reset never reaches the attacker's account", async () => {
    await signupOpen();
    const attacker = await createUser(await rootJwt());
    const victim = { username: uniq('vi'), email: `${uniq('vi')}@example.test`, password: 'victim-pass-1' };
    const set = await call<Record<string, unknown>>('PUT', '/api/notifications', {
      jwt: attacker.jwt,
      body: { email: victim.email, current_password: attacker.password },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email: null, pending_email: victim.email });
    expect((await call('GET', '/api/auth/me', { jwt: attacker.jwt })).body).toMatchObject({
      email: null,
      pending_email: victim.email,
    });
    // Unconfirmed, the address gets no reset link for the attacker's account.
    expect(
      (
        await call('POST', '/api/auth/password-reset', {
          body: { email: victim.email },
          headers: { 'cf-connecting-ip': ip() },
        })
      ).status,
    ).toBe(202);

    const made = await register({ username: victim.username, password: victim.password, email: victim.email });
    expect(made.status).toBe(201);
    expect(await confirmFrom(victim.email, 'Confirm your email address', 2)).toBe(200);
    // The attacker's own link, opened now, confirms nothing: the address is the victim's.
    expect(await confirmFrom(victim.email, 'Confirm your new email address', 2)).toBe(404);
    expect((await call('GET', '/api/notifications', { jwt: attacker.jwt })).body).toMatchObject({ email: null });

    const resetsBefore = (await mailsTo(victim.email)).filter((m) => m.headers.subject === 'Reset your password');
    expect(resetsBefore).toHaveLength(0);
    expect(
      (
        await call('POST', '/api/auth/password-reset', {
          body: { email: victim.email },
          headers: { 'cf-connecting-ip': ip() },
        })
      ).status,
    ).toBe(202);
    const mails = await waitForMails(victim.email, 3);
    const reset = mails.find((m) => m.headers.subject === 'Reset your password');
    if (!reset) throw new Error('no reset mail');
    const token = new URL(linkIn(reset.text, '/reset-password')).searchParams.get('t') ?? '';
    expect(
      (await call('POST', '/api/auth/password-reset/confirm', { body: { token, password: 'victim-new-pass' } })).status,
    ).toBe(200);
    await login(victim.username, 'victim-new-pass');
    await login(attacker.username, attacker.password);
  });

  it('refuses an email change without the current password, in the error shape', async () => {
    const user = await createUser(await rootJwt());
    const email = `${uniq('np')}@example.test`;
    const bare = await call<Err>('PUT', '/api/notifications', { jwt: user.jwt, body: { email } });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('invalid_request');
    expect(bare.body.error.message).toContain('current_password');
    const wrong = await call<Err>('PUT', '/api/notifications', {
      jwt: user.jwt,
      body: { email, current_password: 'not-my-password' },
    });
    expect([400, 403]).toContain(wrong.status);
    expect(wrong.body.error.message).toContain('current_password');
    expect((await call('GET', '/api/notifications', { jwt: user.jwt })).body).toMatchObject({
      email: null,
      pending_email: null,
    });
    expect(await mailsTo(email)).toHaveLength(0);
    // A stolen session cannot guess the password here either.
    const guesses: number[] = [];
    for (let i = 0; i < 8; i++)
      guesses.push(
        (await call('PUT', '/api/notifications', { jwt: user.jwt, body: { email, current_password: `guess-${i}` } }))
          .status,
      );
    expect(guesses.slice(0, 7).every((s) => s === 400)).toBe(true);
    expect(guesses[7]).toBe(429);
  });

  it('changes the address only once the link is opened', async () => {
    const user = await createUser(await rootJwt());
    const email = `${uniq('ch')}@example.test`;
    expect(
      (await call('PUT', '/api/notifications', { jwt: user.jwt, body: { email, current_password: user.password } }))
        .status,
    ).toBe(200);
    const [mail] = await waitForMails(email);
    const link = linkIn(mail.text, '/mail/verify').slice(BASE.length);
    // A scanner's GET changes nothing.
    expect((await call('GET', link)).status).toBe(200);
    expect((await call('GET', '/api/notifications', { jwt: user.jwt })).body).toMatchObject({
      email: null,
      pending_email: email,
    });
    expect((await call('POST', link)).status).toBe(200);
    expect((await call('GET', '/api/notifications', { jwt: user.jwt })).body).toMatchObject({
      email,
      pending_email: null,
    });
  });
});

describe('mail links', () => {
  it('are built on PUBLIC_BASE_URL, never on a forged Host header', async () => {
    const user = await createUser(await rootJwt());
    const email = `${uniq('host')}@example.test`;
    await confirmAddress(user.jwt, user.password, email);
    const res = await SELF.fetch('http://evil.example/api/auth/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'evil.example', 'cf-connecting-ip': ip() },
      body: JSON.stringify({ email }),
    });
    expect(res.status).toBe(202);
    const reset = (await waitForMails(email, 2)).find((m) => m.headers.subject === 'Reset your password');
    if (!reset) throw new Error('no reset mail');
    expect(linkIn(reset.text, '/reset-password').startsWith(`${BASE}/reset-password?t=`)).toBe(true);
    expect(reset.text).not.toContain('evil.example');
  });
});

describe('one sign-up bonus per mailbox', () => {
  it('refuses +tags and gmail dots of a confirmed address, and never pays a mailbox twice', async () => {
    await signupOpen();
    const box = uniq('box');
    const first = await register({ username: uniq('f'), password: 'password-123', email: `${box}+1@example.test` });
    expect(first.status).toBe(201);
    expect(await confirmFrom(`${box}+1@example.test`, 'Confirm your email address')).toBe(200);
    expect(await bonusRows(first.body.id)).toBe(1);
    const plus = await register({ username: uniq('f'), password: 'password-123', email: `${box}+2@example.test` });
    expect(plus.status).toBe(409);
    expect(
      (await register({ username: uniq('f'), password: 'password-123', email: `${box.toUpperCase()}@EXAMPLE.test` }))
        .status,
    ).toBe(409);

    const gmail = `${box}@gmail.com`;
    const g = await register({ username: uniq('g'), password: 'password-123', email: gmail });
    expect(g.status).toBe(201);
    expect(await confirmFrom(gmail, 'Confirm your email address')).toBe(200);
    const dotted = `${box.slice(0, 3)}.${box.slice(3, 6).toUpperCase()}.${box.slice(6)}+farm@googlemail.com`;
    expect((await register({ username: uniq('g'), password: 'password-123', email: dotted })).status).toBe(409);

    // The first owner moves away: the mailbox is free to sign up again, but pays no second bonus.
    const owner = await login(
      (await call<{ username: string }>('GET', `/api/users/${first.body.id}`, { jwt: await rootJwt() })).body.username,
      'password-123',
    );
    const away = `${uniq('away')}@example.test`;
    expect(
      (await call('PUT', '/api/notifications', { jwt: owner, body: { email: away, current_password: 'password-123' } }))
        .status,
    ).toBe(200);
    expect(await confirmFrom(away, 'Confirm your new email address')).toBe(200);
    const again = await register({ username: uniq('f'), password: 'password-123', email: `${box}+3@example.test` });
    expect(again.status).toBe(201);
    expect(await confirmFrom(`${box}+3@example.test`, 'Confirm your email address')).toBe(200);
    expect(await bonusRows(again.body.id)).toBe(0);
  });
});

describe('sessions', () => {
  it('refuses a session issued in the same second as a password change, every time', { timeout: 60_000 }, async () => {
    const user = await createUser(await rootJwt());
    let password = user.password;
    for (let i = 0; i < 4; i++) {
      // Start at the top of a second so the session and the change share it.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      const old = await login(user.username, password);
      const next = `password-${i}-changed`;
      const changed = await call<{ token: string }>('POST', '/api/auth/password', {
        jwt: old,
        body: { current_password: password, new_password: next },
      });
      expect(changed.status).toBe(200);
      password = next;
      expect((await call('GET', '/api/auth/me', { jwt: old })).status).toBe(401);
      expect((await call('GET', '/api/auth/me', { jwt: changed.body.token })).status).toBe(200);
    }
  });

  it('throttles successful logins per IP', { timeout: 90_000 }, async () => {
    const user = await createUser(await rootJwt());
    const from = ip();
    const statuses: number[] = [];
    let last: { status: number; headers: Headers; body: Err } | null = null;
    for (let i = 0; i < 31; i++) {
      last = await call<Err>('POST', '/api/auth/login', {
        body: { username: user.username, password: user.password },
        headers: { 'cf-connecting-ip': from },
      });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(last?.status).toBe(429);
    expect(last?.body.error.code).toBe('rate_limit_exceeded');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    const elsewhere = await call('POST', '/api/auth/login', {
      body: { username: user.username, password: user.password },
      headers: { 'cf-connecting-ip': ip() },
    });
    expect(elsewhere.status).toBe(200);
  });
});

describe('names', () => {
  const evil = 'k\r\nReply-To: evil@x';

  it('refuses a control character or more than 64 characters in the names of keys, channels, users and codes', async () => {
    const admin = await rootJwt();
    const key = await call<Err>('POST', '/api/tokens', { jwt: admin, body: { name: evil } });
    expect(key.status).toBe(400);
    expect(key.body.error.code).toBe('invalid_request');
    expect(key.body.error.message).toContain('name');
    expect((await call('POST', '/api/tokens', { jwt: admin, body: { name: 'x'.repeat(65) } })).status).toBe(400);
    expect((await call('POST', '/api/tokens', { jwt: admin, body: { name: 'tab\there' } })).status).toBe(400);
    const made = await call<{ id: number }>('POST', '/api/tokens', {
      jwt: admin,
      body: { name: 'plain name, ünïcode ok' },
    });
    expect(made.status).toBe(201);
    expect((await call('PATCH', `/api/tokens/${made.body.id}`, { jwt: admin, body: { name: evil } })).status).toBe(400);
    const channel = await call<Err>('POST', '/api/channels', {
      jwt: admin,
      body: { name: evil, type: 'openai', base_url: 'http://127.0.0.1:9', keys: ['k'], models: ['m'] },
    });
    expect(channel.status).toBe(400);
    expect(channel.body.error.message).toContain('name');
    expect(
      (await call('POST', '/api/users', { jwt: admin, body: { username: 'u\nx', password: 'password-123' } })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/redemptions', { jwt: admin, body: { count: 1, quota: 1, name: evil } })).status,
    ).toBe(400);
    await signupOpen();
    expect(
      (await register({ username: 'a\u0000b', password: 'password-123', email: `${uniq('n')}@example.test` })).status,
    ).toBe(400);
  });
});
