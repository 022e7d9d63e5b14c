/** Sending one mail over SMTP with worker-mailer (cloudflare:sockets), configured by SMTP_URL. */
import { LogLevel, WorkerMailer, type WorkerMailerOptions } from 'worker-mailer';
import { checkedAddress, extraHeaders, headerText, mailbox } from './headers';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

/** smtp://user:pass@host:port (STARTTLS when the server offers it) or smtps://user:pass@host:465 (TLS). */
export function smtpOptions(smtpUrl: string): WorkerMailerOptions {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const username = decodeURIComponent(url.username);
  const credentials = username ? { username, password: decodeURIComponent(url.password) } : undefined;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''), port, secure, startTls: !secure, credentials,
    authType: ['plain', 'login', 'cram-md5'], socketTimeoutMs: 15_000, responseTimeoutMs: 15_000, logLevel: LogLevel.WARN,
  };
}

/** "Name <addr>" or "addr" as worker-mailer's user. */
export function parseAddress(from: string): { name?: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (!m) return { email: from.trim() };
  return m[1] ? { name: m[1], email: m[2].trim() } : { email: m[2].trim() };
}

/** Every header the mail carries, each value on one line (worker-mailer writes these as given). */
export function mailHeaders(mail: OutgoingMail): Record<string, string> {
  const from = parseAddress(mail.from);
  return { From: mailbox(from), To: mailbox({ email: mail.to }), Subject: headerText(mail.subject), ...extraHeaders(mail.headers) };
}

/** Sends one mail on its own connection; throws what the server or the socket said. */
export async function sendMail(smtpUrl: string, mail: OutgoingMail): Promise<void> {
  const headers = mailHeaders(mail);
  await WorkerMailer.send(smtpOptions(smtpUrl), {
    from: { email: checkedAddress(parseAddress(mail.from).email) },
    to: checkedAddress(mail.to),
    subject: headers.Subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    headers,
  });
}
