/**
 * Sending one mail over SMTP, configured by SMTP_URL: worker-mailer writes the MIME message, our
 * session (smtp-session.ts) speaks SMTP with a deadline on every step.
 */
import { Email } from 'worker-mailer';
import { checkedAddress, extraHeaders, headerText, mailbox } from './headers';
import { smtpSend, type SmtpDeadlines, type SmtpServer } from './smtp-session';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

/** smtp://user:pass@host:port (STARTTLS when the server offers it) or smtps://user:pass@host:465 (TLS). */
export function smtpServer(smtpUrl: string): SmtpServer {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const username = decodeURIComponent(url.username);
  const credentials = username ? { username, password: decodeURIComponent(url.password) } : undefined;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, tls: secure ? 'on' : 'starttls', credentials };
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
  return {
    From: mailbox(from),
    To: mailbox({ email: mail.to }),
    Subject: headerText(mail.subject),
    ...extraHeaders(mail.headers),
  };
}

/** Sends one mail on its own connection; throws what the server said, or which step missed its deadline. */
export async function sendMail(smtpUrl: string, mail: OutgoingMail, limits: SmtpDeadlines): Promise<void> {
  const headers = mailHeaders(mail);
  const from = checkedAddress(parseAddress(mail.from).email);
  const to = checkedAddress(mail.to);
  const email = new Email({
    from: { email: from },
    to,
    subject: headers.Subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    headers,
  });
  await smtpSend(smtpServer(smtpUrl), limits, {
    helo: from.split('@')[1] ?? 'localhost',
    from,
    to,
    data: email.getEmailData(),
  });
}
