import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, createUser, rootJwt, setPricing, setupCustomer, uniq, waitFor } from '../helpers';
import { accountOf } from '../../worker/account/client';
import type { IpWatch } from '../../worker/account/notices';
import { signLink } from '../../worker/mail/sign';
// Confirmation mails are not notices: these tests count only the notices.
import {
  confirmAddress,
  headerUrl,
  linkIn,
  noticesTo as mailsTo,
  waitForNotices as waitForMails,
} from '../support/mail';

const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));
const address = () => `${uniq('n')}@example.test`;

/** Changes the settings; a new address is confirmed the way a customer does it (password, then the link). */
async function subscribe(user: { jwt: string; password: string }, body: Record<string, unknown>) {
  const { email, ...rest } = body;
  if (typeof email === 'string') return confirmAddress(user.jwt, user.password, email, rest);
  const res = await call<Record<string, unknown>>('PUT', '/api/notifications', { jwt: user.jwt, body });
  expect(res.status).toBe(200);
  return res.body;
}

describe('notification settings', () => {
  it('reads and changes the settings exactly as the contract shapes them', async () => {
    const user = await createUser(await rootJwt());
    const empty = await call('GET', '/api/notifications', { jwt: user.jwt });
    expect(empty.body).toEqual({
      email: null,
      pending_email: null,
      price_changes: { enabled: false, models: null },
      new_ip: true,
      low_balance: null,
    });
    const email = address();
    const set = await subscribe(user, {
      email: email.toUpperCase(),
      price_changes: { enabled: true, models: ['gpt-x'] },
      low_balance: 1000,
    });
    expect(set).toEqual({
      email,
      pending_email: null,
      price_changes: { enabled: true, models: ['gpt-x'] },
      new_ip: true,
      low_balance: 1000,
    });
    expect((await subscribe(user, { new_ip: false })).new_ip).toBe(false);
    expect((await call('GET', '/api/notifications', { jwt: user.jwt })).body).toMatchObject({
      email,
      new_ip: false,
      low_balance: 1000,
    });
  });

  it('refuses bad input with 400 and a taken address with 409', async () => {
    const admin = await rootJwt();
    const [a, b] = [await createUser(admin), await createUser(admin)];
    for (const body of [
      { email: 'not-an-address' },
      { low_balance: -1 },
      { new_ip: 'yes' },
      { surprise: 1 },
      { price_changes: { models: 'all' } },
    ]) {
      const res = await call<{ error: { code: string } }>('PUT', '/api/notifications', { jwt: a.jwt, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const email = address();
    await subscribe(a, { email });
    const taken = await call<{ error: { code: string } }>('PUT', '/api/notifications', {
      jwt: b.jwt,
      body: { email, current_password: b.password },
    });
    expect(taken.status).toBe(409);
    expect((await call('GET', '/api/notifications')).status).toBe(401);
  });
});

describe('price change mails', () => {
  it('one mail per subscriber lists the models they follow with old and new prices; unsubscribe works once signed', async () => {
    const admin = await rootJwt();
    const [m1, m2] = [uniq('pm-'), uniq('pm-')];
    await setPricing(admin, { models: { [m1]: { model_ratio: 1, completion_ratio: 2 }, [m2]: { model_ratio: 1 } } });
    // Subscribers are those of when the mails are made: let that first change's fan-out pass.
    await settle();
    const all = await createUser(admin);
    const one = await createUser(admin);
    const [allMail, oneMail] = [address(), address()];
    await subscribe(all, { email: allMail, price_changes: { enabled: true, models: null } });
    await subscribe(one, { email: oneMail, price_changes: { enabled: true, models: [m2] } });
    await setPricing(admin, { models: { [m1]: { model_ratio: 1.5 }, [m2]: { price_per_call: 0.01 } } });
    const [mail] = await waitForMails(allMail);
    expect(mail.headers.subject).toMatch(/Price change for \d+ models you follow/);
    expect(mail.text).toContain(`${m1}: input $2 / output $4 -> input $3 / output $6`);
    expect(mail.text).toContain(`${m2}: input $2 / output $2 -> $0.01 per call`);
    const [only] = await waitForMails(oneMail);
    expect(only.text).toContain(m2);
    expect(only.text).not.toContain(m1);
    // An unchanged price mails nobody.
    await setPricing(admin, { models: { [m2]: { price_per_call: 0.01 } } });
    await settle();
    expect(await mailsTo(oneMail)).toHaveLength(1);

    const url = headerUrl(mail.headers['list-unsubscribe']);
    expect(url.startsWith(`${BASE}/mail/unsubscribe?t=`)).toBe(true);
    const confirm = await call('GET', url.slice(BASE.length));
    expect(confirm.status).toBe(200);
    expect((await call('GET', '/api/notifications', { jwt: all.jwt })).body).toMatchObject({
      price_changes: { enabled: true },
    });
    const forged = url.replace(/t=([^.]+)\./, (_m, body: string) => `t=${body.slice(0, -2)}xx.`);
    expect(
      (
        await call('POST', forged.slice(BASE.length), {
          raw: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(404);
    const other = await signLink(
      { ...env, JWT_SECRET: 'another-secret-that-is-long-enough-0123456789' },
      { p: 'unsub', u: all.id, k: 'price' },
    );
    expect((await call('POST', `/mail/unsubscribe?t=${other}`)).status).toBe(404);
    const done = await call('POST', url.slice(BASE.length), {
      raw: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.status).toBe(200);
    expect((await call('GET', '/api/notifications', { jwt: all.jwt })).body).toMatchObject({
      price_changes: { enabled: false },
    });
    const page = await call<string>('GET', '/pricing');
    expect(String(page.body)).toContain(m1);
    expect(String(page.body)).toContain('href="/notifications"');
  });
});

describe('new-IP mails', () => {
  const relayFrom = async (key: string, model: string, ip: string) => {
    const res = await call('POST', '/v1/chat/completions', {
      key,
      body: chatBody(model),
      headers: { 'cf-connecting-ip': ip },
    });
    expect(res.status).toBe(200);
  };

  it('mails the first use from an unseen IP, holds the next ones for 10 minutes, and the disable link works', async () => {
    const { user, token, model } = await setupCustomer();
    const email = address();
    await subscribe(user, { email });
    await relayFrom(token.key, model, '203.0.113.7');
    const [first] = await waitForMails(email);
    expect(first.headers.subject).toMatch(/was used from a new IP address/);
    expect(first.text).toContain('203.0.113.7');
    expect(first.text).toContain(model);
    expect(first.text).toMatch(/\d{4}-\d\d-\d\dT/);
    // Known IP: nothing; new IPs within 10 minutes: held back.
    await relayFrom(token.key, model, '203.0.113.7');
    await relayFrom(token.key, model, '198.51.100.1');
    await relayFrom(token.key, model, '198.51.100.2');
    await settle();
    expect(await mailsTo(email)).toHaveLength(1);
    // Ten minutes pass: the object's alarm mails both held IPs in one notice.
    const stub = accountOf(env, user.id).stub;
    await runInDurableObject(stub, async (_o, state) => {
      const key = `nip:${token.id}`;
      const w = (await state.storage.get<IpWatch>(key))!;
      expect(w.pending.map((p) => p.ip)).toEqual(['198.51.100.1', '198.51.100.2']);
      await state.storage.put(key, { ...w, lastMailAt: w.lastMailAt - 10 * 60_000 });
      await state.storage.put('nipdue', Date.now() - 1);
    });
    // The object caches its due time: start it afresh so it reads the stored one.
    await runInDurableObject(stub, async (o) => {
      Reflect.set(Reflect.get(o, 'notices') as object, 'due', undefined);
    });
    await runDurableObjectAlarm(stub);
    const mails = await waitForMails(email, 2);
    expect(mails[1].text).toContain('198.51.100.1');
    expect(mails[1].text).toContain('198.51.100.2');

    const disable = linkIn(first.text, '/mail/disable-key');
    const forged = disable.replace(/t=([^.]+)\./, (_m, body: string) => `t=${body.slice(0, -2)}xx.`);
    expect((await call('GET', forged.slice(BASE.length))).status).toBe(404);
    const expired = await signLink(env, { p: 'disable', u: user.id, t: token.id, v: 0, exp: Date.now() - 1 });
    expect((await call('GET', `/mail/disable-key?t=${expired}`)).status).toBe(404);
    // GET only asks (test/integration/mail-links.test.ts); the click is a POST.
    expect((await call('GET', disable.slice(BASE.length))).status).toBe(200);
    expect((await call('POST', disable.slice(BASE.length))).status).toBe(200);
    const refused = await call<{ error: { code: string } }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model),
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('token_disabled');
    const view = await call<{ status: string }>('GET', `/api/tokens/${token.id}`, { jwt: user.jwt });
    expect(view.body.status).toBe('disabled');
  });

  it('sends nothing to a customer who turned new-IP mail off', async () => {
    const { user, token, model } = await setupCustomer();
    const email = address();
    await subscribe(user, { email, new_ip: false });
    await relayFrom(token.key, model, '192.0.2.55');
    await settle();
    expect(await mailsTo(email)).toHaveLength(0);
  });
});

describe('low-balance mails', () => {
  it('one mail when the balance crosses below the threshold, armed again once back above', async () => {
    const { admin, user, token, model } = await setupCustomer({ quota: 2_000_000, price: { model_ratio: 1000 } });
    const email = address();
    await subscribe(user, { email, new_ip: false, low_balance: 1_999_000 });
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    const [mail] = await waitForMails(email);
    expect(mail.headers.subject).toBe('Your balance is running low');
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await settle();
    expect(await mailsTo(email)).toHaveLength(1);
    // A top-up takes it just back above; the next fall mails again.
    const { quota } = await accountOf(env, user.id).balance();
    const adjust = await call('POST', `/api/users/${user.id}/quota`, {
      jwt: admin,
      body: { delta: 1_999_000 - quota + 1, note: 'top up' },
    });
    expect(adjust.status).toBe(200);
    await settle(300);
    expect(await mailsTo(email)).toHaveLength(1);
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitForMails(email, 2);
  });
});
