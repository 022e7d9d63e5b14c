/**
 * Issue 19, mail reliability: a mail server that accepts connections and never answers delays mail
 * (test bindings: SMTP_TIMEOUT_MS 1000, MAIL_RETRY_MAX_SECONDS 2, so the two minutes of production
 * shrink to seconds) and loses none; a notice another attempt holds is retried, not dropped.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, chatBody, createToken, setPricing, setupCustomer, uniq } from '../helpers';
import { dbOf } from '../../worker/db/client';
import { claimNotice, noticeByKey, recordNotice } from '../../worker/db/notices';
import { saveNotify, setEmail } from '../../worker/db/notify';
import { onMailBatch } from '../../worker/mail/consumer';
import type { MailMessage } from '../../worker/mail/messages';
import { syncNotify } from '../../worker/mail/sync';
import { mailsTo, smtpConnections, smtpSilent, waitForMails } from '../support/mail';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runBatch(message: MailMessage) {
  const batch = createMessageBatch('llm-relay-mail', [
    { id: uniq('msg'), timestamp: new Date(), attempts: 1, body: message },
  ]);
  const ctx = createExecutionContext();
  await onMailBatch(batch, env);
  return getQueueResult(batch, ctx);
}

describe('a mail server that hangs', () => {
  it('gets a deadline at every step, is tried again and again, and all owed mail arrives once soon after it answers', async () => {
    const c = await setupCustomer();
    const second = await createToken(c.user.jwt);
    // Subscribers are read when a price change fans out: let the first pricing's pass.
    await sleep(2000);
    const email = `${uniq('h')}@example.test`;
    const db = dbOf(env.DB);
    await setEmail(db, c.user.id, email, Date.now());
    await saveNotify(db, c.user.id, { newIp: true, priceChanges: true, priceModels: [c.model] }, Date.now());
    await syncNotify(env, c.user.id, null);

    await smtpSilent(true);
    let recovered = 0;
    try {
      const before = await smtpConnections();
      for (const [key, ip] of [
        [c.token.key, '198.51.100.61'],
        [second.key, '198.51.100.62'],
      ]) {
        const res = await call('POST', '/v1/chat/completions', {
          key,
          body: chatBody(c.model),
          headers: { 'cf-connecting-ip': ip },
        });
        expect(res.status).toBe(200);
      }
      await setPricing(c.admin, { models: { [c.model]: { model_ratio: 3 } } });
      await sleep(9000);
      // Not one connection for the whole outage: each attempt gave up and another came.
      expect((await smtpConnections()) - before).toBeGreaterThanOrEqual(3);
      expect(await mailsTo(email)).toHaveLength(0);
    } finally {
      await smtpSilent(false);
      recovered = Date.now();
    }
    const mails = await waitForMails(email, 3, 15_000);
    expect(Date.now() - recovered).toBeLessThan(15_000);
    await sleep(4000);
    const all = await mailsTo(email);
    expect(all).toHaveLength(3);
    const subjects = all.map((m) => m.headers.subject).sort();
    expect(subjects.filter((s) => /new IP address/.test(s))).toHaveLength(2);
    expect(subjects.filter((s) => /Price change/.test(s))).toHaveLength(1);
    expect(new Set(all.map((m) => m.headers['message-id'])).size).toBe(3);
    expect(mails.length).toBe(3);
  }, 60_000);
});

describe('a mail server that goes silent after the message', () => {
  it('misses the deadline of that step, and the retry sends the mail once', async () => {
    const { user } = await setupCustomer();
    const email = `${uniq('s')}@example.test`;
    const db = dbOf(env.DB);
    await setEmail(db, user.id, email, Date.now());
    await saveNotify(db, user.id, { lowBalance: 100_000 }, Date.now());
    const m = {
      type: 'low_balance' as const,
      key: uniq('low:'),
      userId: user.id,
      balance: 5_000,
      threshold: 100_000,
      base: null,
    };
    await smtpSilent(true, 'data');
    try {
      const started = Date.now();
      const hung = await runBatch(m);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(hung.retryMessages).toHaveLength(1);
      expect((await noticeByKey(db, m.key))?.lastError).toMatch(/message: no answer within 1000 ms/);
    } finally {
      await smtpSilent(false);
    }
    expect((await runBatch(m)).explicitAcks).toHaveLength(1);
    expect(await mailsTo(email)).toHaveLength(1);
  });
});

describe('a notice another attempt holds', () => {
  it('is retried later, not acknowledged; once that claim has run out, the retried message sends it', async () => {
    const { user } = await setupCustomer();
    const email = `${uniq('c')}@example.test`;
    const db = dbOf(env.DB);
    await setEmail(db, user.id, email, Date.now());
    await saveNotify(db, user.id, { lowBalance: 100_000 }, Date.now());
    const claimed = async (at: number): Promise<Extract<MailMessage, { type: 'low_balance' }>> => {
      const m = {
        type: 'low_balance' as const,
        key: uniq('low:'),
        userId: user.id,
        balance: 5_000,
        threshold: 100_000,
        base: null,
      };
      const words = { to: email, subject: 'Your balance is running low', text: 'low', html: null, unsubscribe: null };
      await recordNotice(db, { key: m.key, kind: m.type, userId: m.userId, ...words, payload: m }, at);
      expect(await claimNotice(db, m.key, at)).not.toBeNull();
      return m;
    };
    // Another attempt claimed it just now (and may yet die): this one must not drop the message.
    const held = await runBatch(await claimed(Date.now()));
    expect(held.explicitAcks).toHaveLength(0);
    expect(held.retryMessages).toHaveLength(1);
    expect(await mailsTo(email)).toHaveLength(0);
    // An attempt that died long ago: its claim has run out, and the message sends the mail.
    const dead = await claimed(Date.now() - 10 * 60_000);
    const sent = await runBatch(dead);
    expect(sent.explicitAcks).toHaveLength(1);
    expect(await mailsTo(email)).toHaveLength(1);
    expect((await noticeByKey(db, dead.key))?.status).toBe('sent');
  });
});

describe('a notice the queue gave up on', () => {
  it('goes back on the queue while under a day old, and is marked dead after', async () => {
    const { user } = await setupCustomer();
    const email = `${uniq('d')}@example.test`;
    const db = dbOf(env.DB);
    await setEmail(db, user.id, email, Date.now());
    const failed = async (at: number) => {
      const m = {
        type: 'low_balance' as const,
        key: uniq('low:'),
        userId: user.id,
        balance: 5_000,
        threshold: 100_000,
        base: null,
      };
      const words = { to: email, subject: 'Your balance is running low', text: 'low', html: null, unsubscribe: null };
      await recordNotice(db, { key: m.key, kind: m.type, userId: m.userId, ...words, payload: m }, at);
      return m;
    };
    const recent = await failed(Date.now() - 3600_000);
    const old = await failed(Date.now() - 25 * 3600_000);
    for (const m of [recent, old]) {
      const batch = createMessageBatch('llm-relay-mail-dlq', [
        { id: uniq('msg'), timestamp: new Date(), attempts: 1, body: m },
      ]);
      await onMailBatch(batch, env);
    }
    expect((await noticeByKey(db, old.key))?.status).toBe('dead');
    const [mail] = await waitForMails(email, 1, 15_000);
    expect(mail.headers.subject).toBe('Your balance is running low');
    expect((await noticeByKey(db, recent.key))?.status).toBe('sent');
  });
});
