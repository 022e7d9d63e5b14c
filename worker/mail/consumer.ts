/**
 * The mail queue's consumer. A message becomes a notice row keyed by its idempotency key; the row is
 * claimed in D1 before sending and marked after, so a retried batch (or two consumers holding one
 * message) sends each mail once. A failed send is retried with a growing pause of at most
 * MAIL_RETRY_MAX_SECONDS (a minute), so mail follows a recovered server within a step's deadline
 * plus that pause; after the queue's max_retries the dead-letter queue's consumer puts a notice
 * that is not a day old back on the queue, and marks older ones (and those never rendered) dead.
 */
import type { Env } from '../env';
import { settingsOf } from '../env';
import { dbOf } from '../db/client';
import {
  claimNotice,
  finishNotice,
  markDead,
  NOTICE_LEASE_MS,
  noticeByKey,
  recordNotice,
  type NoticeRow,
} from '../db/notices';
import { priceSubscribers } from '../db/notify';
import { priceChangesOfBatch } from '../db/price-changes';
import { MailMessage, noticeKeyOf } from './messages';
import { renderNotice } from './render';
import { sendMail, type OutgoingMail } from './smtp';

/** `smtp_failed`: the server did not take it (the rest of the batch waits); `held`: another attempt has it. */
type Outcome = 'done' | 'retry' | 'smtp_failed' | { held: number };

/** 10 s, 20 s, 40 s ... up to `cap` (MAIL_RETRY_MAX_SECONDS). */
export const backoffSeconds = (attempts: number, cap = 60) => Math.min(cap, 10 * 2 ** Math.max(0, attempts - 1));

export const isDeadLetterQueue = (name: string) => name.endsWith('-dlq');

/** A notice the queue gave up on is tried again from the start until it is this old. */
const REQUEUE_FOR_MS = 24 * 3600_000;

export async function onMailBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const dead = isDeadLetterQueue(batch.queue);
  const cap = settingsOf(env).MAIL_RETRY_MAX_SECONDS;
  let smtpOk = true;
  for (const msg of batch.messages) {
    const parsed = MailMessage.safeParse(msg.body);
    if (!parsed.success) {
      console.error('mail queue: dropped a message of unknown shape');
      msg.ack();
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = dead ? await bury(env, parsed.data) : await handle(env, parsed.data, smtpOk);
    } catch (err) {
      console.error('mail queue:', err instanceof Error ? err.message : err);
      outcome = 'retry';
    }
    if (outcome === 'smtp_failed') smtpOk = false;
    if (outcome === 'done') msg.ack();
    else if (typeof outcome === 'object')
      msg.retry({ delaySeconds: Math.min(cap, Math.max(1, Math.ceil(outcome.held / 1000))) });
    else msg.retry({ delaySeconds: backoffSeconds(msg.attempts, cap) });
  }
}

/** With `smtpOk` false (a send in this batch already failed) the notice is recorded, not sent. */
async function handle(env: Env, m: MailMessage, smtpOk: boolean): Promise<Outcome> {
  if (m.type === 'price_fanout') return fanOut(env, m.batch, m.base);
  const key = noticeKeyOf(m) ?? '';
  const db = dbOf(env.DB);
  const known = await noticeByKey(db, key);
  if (!known || known.to === '') {
    const notice = await renderNotice(env, m, key);
    if (!notice) return 'done';
    await recordNotice(db, { ...notice, payload: m }, Date.now());
  }
  return smtpOk ? deliver(env, key) : 'smtp_failed';
}

/** One `price_user` message per subscriber who follows a model the change touched. */
async function fanOut(env: Env, batch: string, base: string | null): Promise<Outcome> {
  const db = dbOf(env.DB);
  const models = new Set((await priceChangesOfBatch(db, batch)).map((r) => r.model));
  const users = (await priceSubscribers(db)).filter(
    (s) => s.models === null || s.models.some((model) => models.has(model)),
  );
  const queue = env.MAIL_QUEUE;
  if (!queue) return 'done';
  for (let i = 0; i < users.length; i += 100) {
    await queue.sendBatch(
      users
        .slice(i, i + 100)
        .map((u) => ({ body: { type: 'price_user', batch, userId: u.userId, base } satisfies MailMessage })),
    );
  }
  return 'done';
}

function outgoing(env: Env, row: NoticeRow): OutgoingMail {
  const from = settingsOf(env).MAIL_FROM;
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'localhost';
  const headers: Record<string, string> = { 'Message-ID': `<${row.key.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>` };
  if (row.unsubscribe) {
    headers['List-Unsubscribe'] = `<${row.unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return { from, to: row.to, subject: row.subject, text: row.text, html: row.html, headers };
}

/** Sends the notice unless it is done; one that another attempt holds is `held` until its claim runs out. */
export async function deliver(env: Env, key: string): Promise<Outcome> {
  const db = dbOf(env.DB);
  const now = Date.now();
  const row = await claimNotice(db, key, now);
  if (!row) {
    const known = await noticeByKey(db, key);
    return known?.status === 'sending' && known.leaseUntil !== null ? { held: known.leaseUntil - now } : 'done';
  }
  const settings = settingsOf(env);
  if (!settings.SMTP_URL) {
    await finishNotice(db, row.id, 'not_sent', 'SMTP_URL is not set', Date.now());
    return 'done';
  }
  try {
    // The whole session ends well before the claim does, so no other attempt takes a live one over.
    await sendMail(settings.SMTP_URL, outgoing(env, row), {
      stepMs: settings.SMTP_TIMEOUT_MS,
      totalMs: NOTICE_LEASE_MS - 15_000,
    });
  } catch (err) {
    await finishNotice(
      db,
      row.id,
      'failed',
      String(err instanceof Error ? err.message : err).slice(0, 500),
      Date.now(),
    );
    return 'smtp_failed';
  }
  await finishNotice(db, row.id, 'sent', null, Date.now());
  return 'done';
}

/**
 * A message the queue gave up on. Its notice, if rendered and under a day old, goes back on the
 * queue (a long outage of the mail server loses nothing); otherwise it is marked dead (recorded
 * first if it never was) for the operator's resend.
 */
async function bury(env: Env, m: MailMessage): Promise<Outcome> {
  const key = noticeKeyOf(m) ?? `fanout:${m.type === 'price_fanout' ? m.batch : ''}`;
  const db = dbOf(env.DB);
  const now = Date.now();
  const known = await noticeByKey(db, key);
  if (
    known &&
    known.to !== '' &&
    (known.status === 'queued' || known.status === 'failed') &&
    now - known.createdAt < REQUEUE_FOR_MS &&
    env.MAIL_QUEUE
  ) {
    await env.MAIL_QUEUE.send(m, { delaySeconds: settingsOf(env).MAIL_RETRY_MAX_SECONDS });
    return 'done';
  }
  if (await markDead(db, key, now)) return 'done';
  const userId = 'userId' in m ? m.userId : null;
  await recordNotice(
    db,
    {
      key,
      kind: m.type,
      userId,
      to: '',
      subject: '(not rendered)',
      text: JSON.stringify(m),
      html: null,
      unsubscribe: null,
      payload: m,
    },
    now,
  );
  await markDead(db, key, now);
  return 'done';
}
