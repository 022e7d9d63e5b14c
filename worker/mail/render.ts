/** Turns a queue message into the notice it stands for, reading what it needs from D1. */
import type { Env } from '../env';
import { settingsOf } from '../env';
import { dbOf } from '../db/client';
import { loadOptions } from '../site/options';
import { PENDING_EMAIL_MS } from '../db/addresses';
import { mailTarget, tokenLabel, type MailTarget } from '../db/notify';
import { priceChangesOfBatch } from '../db/price-changes';
import type { NewNotice } from '../db/notices';
import type { MailMessage } from './messages';
import { signLink, type UnsubKind } from './sign';
import {
  changeMail,
  lowBalanceMail,
  newIpMail,
  priceMail,
  resetMail,
  unitsText,
  verifyMail,
  type Money,
  type Written,
} from './templates';

export const DISABLE_LINK_MS = 24 * 3600_000;
export const VERIFY_LINK_MS = PENDING_EMAIL_MS;
export const RESET_LINK_MS = 3600_000;

type Rendered = Omit<NewNotice, 'payload'>;
type Mailable = Exclude<MailMessage, { type: 'price_fanout' }>;

/**
 * Where links in mails point: PUBLIC_BASE_URL, else the local origin the change came from (mail/base.ts
 * puts none on a message from anywhere else), else the default local address.
 */
export const baseOf = (env: Env, fromMessage: string | null) =>
  settingsOf(env).PUBLIC_BASE_URL ?? fromMessage ?? 'http://localhost:8787';

async function unsubscribeUrl(env: Env, base: string, userId: number, kind: UnsubKind): Promise<string> {
  return `${base}/mail/unsubscribe?t=${await signLink(env, { p: 'unsub', u: userId, k: kind })}`;
}

const toNotice = (m: Mailable, key: string, target: MailTarget, w: Written, unsubscribe: string | null): Rendered => ({
  key,
  kind: m.type,
  userId: target.userId,
  to: target.email ?? '',
  subject: w.subject,
  text: w.text,
  html: w.html,
  unsubscribe,
});

async function renderPrice(
  env: Env,
  m: Extract<MailMessage, { type: 'price_user' }>,
  target: MailTarget,
  key: string,
): Promise<Rendered | null> {
  const s = target.settings;
  if (!s.priceChanges) return null;
  const followed = s.priceModels === null ? null : new Set(s.priceModels);
  const lines = (await priceChangesOfBatch(dbOf(env.DB), m.batch)).filter(
    (r) => followed === null || followed.has(r.model),
  );
  if (lines.length === 0) return null;
  const options = await loadOptions(env);
  const money: Money = { currency: s.currency, usdToCny: options.usd_to_cny };
  const unsub = await unsubscribeUrl(env, baseOf(env, m.base), target.userId, 'price');
  return toNotice(m, key, target, priceMail(s.lang, options.site_name, lines, money, unsub), unsub);
}

async function renderNewIp(
  env: Env,
  m: Extract<MailMessage, { type: 'new_ip' }>,
  target: MailTarget,
): Promise<Rendered | null> {
  if (!target.settings.newIp) return null;
  const token = await tokenLabel(dbOf(env.DB), m.tokenId);
  if (!token || token.userId !== target.userId) return null;
  const base = baseOf(env, m.base);
  const disable = `${base}/mail/disable-key?t=${await signLink(env, { p: 'disable', u: target.userId, t: m.tokenId, v: token.version, exp: Date.now() + DISABLE_LINK_MS })}`;
  const unsub = await unsubscribeUrl(env, base, target.userId, 'new_ip');
  return toNotice(
    m,
    m.key,
    target,
    newIpMail(target.settings.lang, `${token.name} (${token.masked})`, m.ips, disable, unsub),
    unsub,
  );
}

async function renderLowBalance(
  env: Env,
  m: Extract<MailMessage, { type: 'low_balance' }>,
  target: MailTarget,
): Promise<Rendered | null> {
  if (target.settings.lowBalance === null) return null;
  const options = await loadOptions(env);
  const money: Money = { currency: target.settings.currency, usdToCny: options.usd_to_cny };
  const unsub = await unsubscribeUrl(env, baseOf(env, m.base), target.userId, 'low_balance');
  return toNotice(
    m,
    m.key,
    target,
    lowBalanceMail(target.settings.lang, unitsText(m.balance, money), unitsText(m.threshold, money), unsub),
    unsub,
  );
}

/** A confirmation link goes to the pending address only, while it is still the pending one. */
async function renderVerify(
  env: Env,
  m: Extract<MailMessage, { type: 'verify' }>,
  target: MailTarget,
): Promise<Rendered | null> {
  const email = m.email ?? target.pendingEmail;
  if (!email || target.pendingEmail !== email) return null;
  const link = `${baseOf(env, m.base)}/mail/verify?t=${await signLink(env, { p: 'verify', u: target.userId, e: email, exp: Date.now() + VERIFY_LINK_MS })}`;
  const lang = target.settings.lang;
  const written = target.signupUnverified
    ? verifyMail(lang, target.username, link)
    : changeMail(lang, target.username, link);
  return { ...toNotice(m, m.key, target, written, null), to: email };
}

async function renderReset(
  env: Env,
  m: Extract<MailMessage, { type: 'reset' }>,
  target: MailTarget,
): Promise<Rendered | null> {
  if (!target.email || !target.verified) return null;
  const payload = {
    p: 'reset',
    u: target.userId,
    v: target.passwordChangedAt ?? 0,
    exp: Date.now() + RESET_LINK_MS,
  } as const;
  const link = `${baseOf(env, m.base)}/reset-password?t=${await signLink(env, payload)}`;
  return toNotice(m, m.key, target, resetMail(target.settings.lang, target.username, link), null);
}

/** The notice for a message, or null when there is nobody to send it to (no address, setting off). */
export async function renderNotice(env: Env, m: Mailable, key: string): Promise<Rendered | null> {
  const target = await mailTarget(dbOf(env.DB), m.userId);
  if (!target) return null;
  if (m.type === 'verify') return renderVerify(env, m, target);
  // Only a confirmed address hears of anything but its own confirmation.
  if (!target.email || !target.verified) return null;
  switch (m.type) {
    case 'price_user':
      return renderPrice(env, m, target, key);
    case 'new_ip':
      return renderNewIp(env, m, target);
    case 'low_balance':
      return renderLowBalance(env, m, target);
    case 'reset':
      return renderReset(env, m, target);
  }
}
