/**
 * The mail queue's consumer. A message becomes a notice row keyed by its idempotency key; the row is
 * claimed in D1 before sending and marked after, so a retried batch (or two consumers holding one
 * message) sends each mail once. A failed send is retried with a growing pause; after the queue's
 * max_retries the message reaches the dead-letter queue, whose consumer marks the notice dead.
 */
import type { Env } from '../env';
import { settingsOf } from '../env';
import { dbOf } from '../db/client';
import { claimNotice, finishNotice, markDead, noticeByKey, recordNotice, type NoticeRow } from '../db/notices';
import { priceSubscribers } from '../db/notify';
import { priceChangesOfBatch } from '../db/price-changes';
import { MailMessage, noticeKeyOf } from './messages';
import { renderNotice } from './render';
import { sendMail, type OutgoingMail } from './smtp';

type Outcome = 'done' | 'retry';

/** 10 s, 20 s, 40 s ... up to 10 minutes. */
export const backoffSeconds = (attempts: number) => Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));

export const isDeadLetterQueue = (name: string) => name.endsWith('-dlq');

export async function onMailBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const dead = isDeadLetterQueue(batch.queue);
  for (const msg of batch.messages) {
    const parsed = MailMessage.safeParse(msg.body);
    if (!parsed.success) {
      console.error('mail queue: dropped a message of unknown shape');
      msg.ack();
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = dead ? await bury(env, parsed.data) : await handle(env, parsed.data);
    } catch (err) {
      console.error('mail queue:', err instanceof Error ? err.message : err);
      outcome = 'retry';
    }
    if (outcome === 'retry') msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    else msg.ack();
  }
}

async function handle(env: Env, m: MailMessage): Promise<Outcome> {
  if (m.type === 'price_fanout') return fanOut(env, m.batch, m.base);
  const key = noticeKeyOf(m) ?? '';
  const db = dbOf(env.DB);
  const known = await noticeByKey(db, key);
  if (!known || known.to === '') {
    const notice = await renderNotice(env, m, key);
    if (!notice) return 'done';
    await recordNotice(db, { ...notice, payload: m }, Date.now());
  }
  return deliver(env, key);
}

/** One `price_user` message per subscriber who follows a model the change touched. */
async function fanOut(env: Env, batch: string, base: string | null): Promise<Outcome> {
  const db = dbOf(env.DB);
  const models = new Set((await priceChangesOfBatch(db, batch)).map((r) => r.model));
  const users = (await priceSubscribers(db)).filter((s) => s.models === null || s.models.some((model) => models.has(model)));
  const queue = env.MAIL_QUEUE;
  if (!queue) return 'done';
  for (let i = 0; i < users.length; i += 100) {
    await queue.sendBatch(users.slice(i, i + 100).map((u) => ({ body: { type: 'price_user', batch, userId: u.userId, base } satisfies MailMessage })));
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

/** Sends the notice unless another attempt has it or it is already done. */
export async function deliver(env: Env, key: string): Promise<Outcome> {
  const db = dbOf(env.DB);
  const row = await claimNotice(db, key, Date.now());
  if (!row) return 'done';
  const smtp = settingsOf(env).SMTP_URL;
  if (!smtp) {
    await finishNotice(db, row.id, 'not_sent', 'SMTP_URL is not set', Date.now());
    return 'done';
  }
  try {
    await sendMail(smtp, outgoing(env, row));
  } catch (err) {
    await finishNotice(db, row.id, 'failed', String(err instanceof Error ? err.message : err).slice(0, 500), Date.now());
    return 'retry';
  }
  await finishNotice(db, row.id, 'sent', null, Date.now());
  return 'done';
}

/** A message the queue gave up on: its notice is marked dead (recorded first if it never was). */
async function bury(env: Env, m: MailMessage): Promise<Outcome> {
  const key = noticeKeyOf(m) ?? `fanout:${m.type === 'price_fanout' ? m.batch : ''}`;
  const db = dbOf(env.DB);
  const now = Date.now();
  if (await markDead(db, key, now)) return 'done';
  const userId = 'userId' in m ? m.userId : null;
  await recordNotice(db, { key, kind: m.type, userId, to: '', subject: '(not rendered)', text: JSON.stringify(m), html: null, unsubscribe: null, payload: m }, now);
  await markDead(db, key, now);
  return 'done';
}
