import { createMessageBatch, env, getQueueResult, createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, createUser, rootJwt, uniq, waitFor } from '../helpers';
import { dbOf } from '../../worker/db/client';
import { noticeByKey } from '../../worker/db/notices';
import { saveNotify, setEmail } from '../../worker/db/notify';
import { onMailBatch } from '../../worker/mail/consumer';
import type { MailMessage } from '../../worker/mail/messages';
import { mailsTo, smtpDown, waitForMails } from '../support/mail';

/** A customer with a confirmed address who wants low-balance notices. */
async function subscriber() {
  const admin = await rootJwt();
  const user = await createUser(admin);
  const email = `${uniq('m')}@example.test`;
  const db = dbOf(env.DB);
  await setEmail(db, user.id, email, Date.now());
  await saveNotify(db, user.id, { lowBalance: 100_000 }, Date.now());
  return { admin, user, email };
}

const lowMessage = (userId: number): Extract<MailMessage, { type: 'low_balance' }> => ({
  type: 'low_balance',
  key: uniq('low:'),
  userId,
  balance: 5_000,
  threshold: 100_000,
  base: null,
});

async function runBatch(message: MailMessage, queue = 'llm-relay-mail', e: typeof env = env) {
  const batch = createMessageBatch(queue, [{ id: uniq('msg'), timestamp: new Date(), attempts: 1, body: message }]);
  const ctx = createExecutionContext();
  await onMailBatch(batch, e);
  return getQueueResult(batch, ctx);
}

describe('mail delivery', () => {
  it('a queued notice reaches the SMTP server with one-click unsubscribe headers', async () => {
    const { user, email } = await subscriber();
    const m = lowMessage(user.id);
    await env.MAIL_QUEUE!.send(m);
    const [mail] = await waitForMails(email);
    expect(mail.to).toEqual([email]);
    expect(mail.from).toBe('noreply@relay.test');
    expect(mail.headers.subject).toBe('Your balance is running low');
    expect(mail.headers['list-unsubscribe']).toMatch(/^<http:\/\/relay\.test\/mail\/unsubscribe\?t=[\w.-]+>$/);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain('$0.01');
    expect(mail.text).toContain('$0.2');
    const row = await waitFor(async () => {
      const r = await noticeByKey(dbOf(env.DB), m.key);
      return r?.status === 'sent' ? r : null;
    });
    expect(row.attempts).toBe(1);
  });

  it('a retried batch sends the mail once', async () => {
    const { user, email } = await subscriber();
    const m = lowMessage(user.id);
    const first = await runBatch(m);
    const second = await runBatch(m);
    expect(first.explicitAcks).toHaveLength(1);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('retries while the SMTP server is down, then sends once it is back', async () => {
    const { user, email } = await subscriber();
    const m = lowMessage(user.id);
    await smtpDown(true);
    try {
      const failed = await runBatch(m);
      expect(failed.retryMessages).toHaveLength(1);
      const row = await noticeByKey(dbOf(env.DB), m.key);
      expect(row?.status).toBe('failed');
      expect(row?.lastError).toBeTruthy();
    } finally {
      await smtpDown(false);
    }
    const ok = await runBatch(m);
    expect(ok.explicitAcks).toHaveLength(1);
    expect(await mailsTo(email)).toHaveLength(1);
    const row = await noticeByKey(dbOf(env.DB), m.key);
    expect(row?.status).toBe('sent');
    expect(row?.attempts).toBe(2);
  });

  it('without SMTP_URL the notice is recorded as not sent and nothing fails', async () => {
    const { user, email } = await subscriber();
    const m = lowMessage(user.id);
    const result = await runBatch(m, 'llm-relay-mail', { ...env, SMTP_URL: undefined });
    expect(result.explicitAcks).toHaveLength(1);
    expect((await noticeByKey(dbOf(env.DB), m.key))?.status).toBe('not_sent');
    expect(await mailsTo(email)).toHaveLength(0);
  });

  it('a dead-lettered notice is marked dead, listed for the operator, and can be sent again', async () => {
    const { admin, user, email } = await subscriber();
    const m = lowMessage(user.id);
    await runBatch(m, 'llm-relay-mail-dlq');
    const row = await noticeByKey(dbOf(env.DB), m.key);
    expect(row?.status).toBe('dead');
    const list = await call<{ items: { id: number; status: string }[] }>('GET', '/api/notices?status=dead', {
      jwt: admin,
    });
    expect(list.body.items.map((n) => n.id)).toContain(row!.id);
    const customer = await call('POST', `/api/notices/${row!.id}/resend`, { jwt: user.jwt });
    expect(customer.status).toBe(403);
    const again = await call<{ status: string }>('POST', `/api/notices/${row!.id}/resend`, { jwt: admin });
    expect(again.status).toBe(202);
    const [mail] = await waitForMails(email);
    expect(mail.headers.subject).toBe('Your balance is running low');
    await waitFor(async () => (await noticeByKey(dbOf(env.DB), m.key))?.status === 'sent');
    expect((await call('POST', '/api/notices/999999999/resend', { jwt: admin })).status).toBe(404);
  });
});
