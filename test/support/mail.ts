/** The tests' side of the fake SMTP server (test/support/smtp.mjs), reached over loopback. */
import { env } from 'cloudflare:test';
import { BASE, call, waitFor } from '../helpers';

export interface CapturedMail {
  from: string | null;
  to: string[];
  headers: Record<string, string>;
  text: string;
  html: string;
  raw: string;
}

export async function mailsTo(address: string): Promise<CapturedMail[]> {
  const res = await fetch(`${env.SMTP_CONTROL_URL}/mails?to=${encodeURIComponent(address)}`);
  return ((await res.json()) as { mails: CapturedMail[] }).mails;
}

/** Waits until `count` mails reached the address; answers them. */
export const waitForMails = (address: string, count = 1, timeoutMs = 10_000) =>
  waitFor(
    async () => {
      const mails = await mailsTo(address);
      return mails.length >= count ? mails : null;
    },
    timeoutMs,
    100,
  );

export async function smtpDown(down: boolean): Promise<void> {
  await fetch(`${env.SMTP_CONTROL_URL}/down`, { method: 'PUT', body: JSON.stringify({ down }) });
}

/** The one-click link in a header such as List-Unsubscribe: `<url>`. */
export const headerUrl = (value: string | undefined) => /<([^>]+)>/.exec(value ?? '')?.[1] ?? '';

/** The first link in the text with this path. */
export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s]+${path.replace(/[/.?]/g, '\\$&')}\\?t=[A-Za-z0-9_.-]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[0];
}

/** The subjects of the mails that confirm an address (sign-up, change). */
export const CONFIRM_SUBJECTS = ['Confirm your email address', 'Confirm your new email address'];
const isNotice = (m: CapturedMail) => !CONFIRM_SUBJECTS.includes(m.headers.subject ?? '');

/** Mails to the address other than its confirmation links. */
export const noticesTo = async (address: string) => (await mailsTo(address)).filter(isNotice);

export const waitForNotices = (address: string, count = 1, timeoutMs = 10_000) =>
  waitFor(
    async () => {
      const mails = await noticesTo(address);
      return mails.length >= count ? mails : null;
    },
    timeoutMs,
    100,
  );

/**
 * Gives a user an address the way a customer does: PUT /api/notifications with the current
 * password, then one click on the link mailed to the new address. Answers the settings.
 */
export async function confirmAddress(
  jwt: string,
  password: string,
  email: string,
  rest: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const before = (await mailsTo(email)).length;
  const set = await call<Record<string, unknown>>('PUT', '/api/notifications', {
    jwt,
    body: { ...rest, email, current_password: password },
  });
  if (set.status !== 200) throw new Error(`PUT /api/notifications answered ${set.status}: ${JSON.stringify(set.body)}`);
  const mails = await waitForMails(email.toLowerCase(), before + 1);
  const link = linkIn(mails[mails.length - 1].text, '/mail/verify');
  const opened = await call('POST', link.slice(BASE.length));
  if (opened.status !== 200) throw new Error(`the confirmation link answered ${opened.status}`);
  return (await call<Record<string, unknown>>('GET', '/api/notifications', { jwt })).body;
}

/** The server accepts connections and never answers (true; `at` a new connection or the message), or answers again. */
export async function smtpSilent(silent: boolean, at: 'connect' | 'data' = 'connect'): Promise<void> {
  await fetch(`${env.SMTP_CONTROL_URL}/silent`, { method: 'PUT', body: JSON.stringify({ silent, at }) });
}

export async function smtpConnections(): Promise<number> {
  return ((await (await fetch(`${env.SMTP_CONTROL_URL}/connections`)).json()) as { connections: number }).connections;
}
