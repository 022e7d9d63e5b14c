/** The tests' side of the fake SMTP server (test/support/smtp.mjs), reached over loopback. */
import { env } from 'cloudflare:test';
import { waitFor } from '../helpers';

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
  waitFor(async () => {
    const mails = await mailsTo(address);
    return mails.length >= count ? mails : null;
  }, timeoutMs, 100);

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

/** The server accepts connections and never answers (true; `at` a new connection or the message), or answers again. */
export async function smtpSilent(silent: boolean, at: 'connect' | 'data' = 'connect'): Promise<void> {
  await fetch(`${env.SMTP_CONTROL_URL}/silent`, { method: 'PUT', body: JSON.stringify({ silent, at }) });
}

export async function smtpConnections(): Promise<number> {
  return ((await (await fetch(`${env.SMTP_CONTROL_URL}/connections`)).json()) as { connections: number }).connections;
}
