/**
 * Issue 19, mail: no value reaches a mail header with a line break, and the links in mails act only
 * on a POST (a scanner that fetches them changes nothing); a disable link works once.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, uniq } from '../helpers';
import { dbOf } from '../../worker/db/client';
import { saveNotify, setEmail } from '../../worker/db/notify';
import { updateToken } from '../../worker/db/tokens';
import { syncNotify } from '../../worker/mail/sync';
import { headerUrl, linkIn, waitForMails } from '../support/mail';

const form = { raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };

/** A customer with a confirmed address, set in D1 (not through the API), who gets new-IP mail. */
async function customerWithMail(tokenName?: string) {
  const c = await setupCustomer();
  const email = `${uniq('l')}@example.test`;
  const db = dbOf(env.DB);
  await setEmail(db, c.user.id, email, Date.now());
  await saveNotify(db, c.user.id, { newIp: true }, Date.now());
  await syncNotify(env, c.user.id, null);
  if (tokenName !== undefined) await updateToken(db, c.token.id, { name: tokenName }, Date.now());
  return { ...c, email };
}

async function newIpAlert(c: Awaited<ReturnType<typeof customerWithMail>>, ip = '203.0.113.90') {
  const res = await call('POST', '/v1/chat/completions', {
    key: c.token.key,
    body: chatBody(c.model),
    headers: { 'cf-connecting-ip': ip },
  });
  expect(res.status).toBe(200);
  const [mail] = await waitForMails(c.email);
  return mail;
}

const tokenStatus = async (jwt: string, id: number) =>
  (await call<{ status: string }>('GET', `/api/tokens/${id}`, { jwt })).body.status;

describe('mail headers', () => {
  it('a key name with CR/LF in D1 puts no header of its own into the new-IP alert', async () => {
    const c = await customerWithMail('k\r\nReply-To: evil@example.test\r\nBcc: victim@example.test\nX-Evil: 1');
    const mail = await newIpAlert(c);
    const head = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/));
    expect(head).not.toMatch(/^(Reply-To|Bcc|X-Evil):/im);
    expect(mail.headers['reply-to']).toBeUndefined();
    expect(mail.headers['x-evil']).toBeUndefined();
    expect(mail.to).toEqual([c.email]);
    // The name is still there, on one line.
    expect(mail.headers.subject).toContain('Reply-To: evil@example.test');
    expect(mail.headers.subject).toMatch(/was used from a new IP address/);
    for (const line of head.split(/\r\n/)) expect(line, line).not.toMatch(/[\r\n]/);
  });
});

describe('disable link', () => {
  it('GET only asks; POST disables; the same link does nothing once the key is enabled again', async () => {
    const c = await customerWithMail();
    const mail = await newIpAlert(c, '203.0.113.91');
    const link = linkIn(mail.text, '/mail/disable-key').slice(BASE.length);
    // A scanner fetching the link (twice) changes nothing.
    for (let i = 0; i < 2; i++) {
      const page = await call<string>('GET', link);
      expect(page.status).toBe(200);
      expect(String(page.body)).toContain('method="post"');
    }
    expect((await call('HEAD', link)).status).toBeLessThan(500);
    expect(await tokenStatus(c.user.jwt, c.token.id)).toBe('enabled');
    // One click.
    const done = await call<string>('POST', link);
    expect(done.status).toBe(200);
    expect(String(done.body)).toContain('data-testid="disable-done"');
    expect(await tokenStatus(c.user.jwt, c.token.id)).toBe('disabled');
    // The owner enables it again: the old link neither disables it on GET nor on POST.
    const enable = await call('PATCH', `/api/tokens/${c.token.id}`, { jwt: c.user.jwt, body: { status: 'enabled' } });
    expect(enable.status).toBe(200);
    const again = await call<string>('GET', link);
    expect(again.status).toBe(200);
    expect(String(again.body)).toContain('data-testid="disable-stale"');
    expect(String(again.body)).not.toContain('method="post"');
    const replay = await call<string>('POST', link);
    expect(replay.status).toBe(409);
    expect(String(replay.body)).toContain('data-testid="disable-stale"');
    expect(await tokenStatus(c.user.jwt, c.token.id)).toBe('enabled');
    const used = await call('POST', '/v1/chat/completions', { key: c.token.key, body: chatBody(c.model) });
    expect(used.status).toBe(200);
  });
});

describe('unsubscribe link', () => {
  it('GET only asks; the page POST and the RFC 8058 one-click POST unsubscribe', async () => {
    const c = await customerWithMail();
    const mail = await newIpAlert(c, '203.0.113.92');
    const url = headerUrl(mail.headers['list-unsubscribe']).slice(BASE.length);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const asks = await call<string>('GET', url);
    expect(asks.status).toBe(200);
    expect(String(asks.body)).toContain('method="post"');
    expect((await call<{ new_ip: boolean }>('GET', '/api/notifications', { jwt: c.user.jwt })).body.new_ip).toBe(true);
    const done = await call<string>('POST', url, form);
    expect(done.status).toBe(200);
    expect((await call<{ new_ip: boolean }>('GET', '/api/notifications', { jwt: c.user.jwt })).body.new_ip).toBe(false);
  });
});
