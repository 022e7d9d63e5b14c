/**
 * One SMTP session over cloudflare:sockets, with a deadline on every step (connect, greeting, each
 * command and its reply, the message) and one on the whole session. worker-mailer's own session
 * has no deadline on writes, and its reader loops without end on a socket the server closed, so
 * a server that hangs could hold the consumer; here a missed deadline closes the socket and throws.
 */
import { connect } from 'cloudflare:sockets';

export interface SmtpServer {
  host: string;
  port: number;
  /** `on`: TLS from the start (smtps, 465); `starttls`: upgraded when the server offers it. */
  tls: 'on' | 'starttls';
  credentials?: { username: string; password: string };
}

export interface SmtpDeadlines {
  stepMs: number;
  totalMs: number;
}

export interface Envelope {
  helo: string;
  from: string;
  to: string;
  /** The message, dot-stuffed and ending in CRLF.CRLF. */
  data: string;
}

interface Reply {
  code: number;
  text: string;
}

const enc = new TextEncoder();

function within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SMTP ${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

class Session {
  private socket: Socket;
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private writer: WritableStreamDefaultWriter<Uint8Array>;
  private decoder = new TextDecoder();
  private buffered = '';
  private readonly endsAt: number;

  constructor(
    private readonly server: SmtpServer,
    private readonly limits: SmtpDeadlines,
  ) {
    this.endsAt = Date.now() + limits.totalMs;
    this.socket = connect(
      { hostname: server.host, port: server.port },
      { secureTransport: server.tls, allowHalfOpen: false },
    );
    this.reader = this.socket.readable.getReader();
    this.writer = this.socket.writable.getWriter();
  }

  /** A step's deadline: its own, or what is left of the session's. */
  private step<T>(what: string, work: Promise<T>): Promise<T> {
    return within(what, Math.max(1, Math.min(this.limits.stepMs, this.endsAt - Date.now())), work);
  }

  private async readReply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const eol = this.buffered.indexOf('\n');
      if (eol >= 0) {
        const line = this.buffered.slice(0, eol).replace(/\r$/, '');
        this.buffered = this.buffered.slice(eol + 1);
        lines.push(line);
        if (!/^\d{3}-/.test(line)) break;
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('SMTP: the server closed the connection');
      this.buffered += this.decoder.decode(value, { stream: true });
    }
    const last = lines[lines.length - 1];
    const code = Number(last.slice(0, 3));
    if (!Number.isInteger(code)) throw new Error(`SMTP: not a reply: ${last.slice(0, 200)}`);
    return { code, text: lines.join('\n') };
  }

  /** Writes `line` (if any) and reads the reply, under one deadline; throws unless the code is expected. */
  async exchange(what: string, line: string | null, expected: number[]): Promise<Reply> {
    const reply = await this.step(
      what,
      (async () => {
        if (line !== null) await this.writer.write(enc.encode(line));
        return this.readReply();
      })(),
    );
    if (!expected.includes(reply.code)) throw new Error(`SMTP ${what}: ${reply.text.slice(0, 300)}`);
    return reply;
  }

  async open(): Promise<void> {
    await this.step('connect', this.socket.opened);
  }

  upgrade(): void {
    this.reader.releaseLock();
    this.writer.releaseLock();
    this.socket = this.socket.startTls({ expectedServerHostname: this.server.host });
    this.reader = this.socket.readable.getReader();
    this.writer = this.socket.writable.getWriter();
  }

  close(): void {
    this.socket.close().catch(() => undefined);
  }
}

async function hello(s: Session, helo: string): Promise<string> {
  try {
    return (await s.exchange('EHLO', `EHLO ${helo}\r\n`, [250])).text;
  } catch (err) {
    if (err instanceof Error && /no answer|closed/.test(err.message)) throw err;
    return (await s.exchange('HELO', `HELO ${helo}\r\n`, [250])).text;
  }
}

async function authenticate(s: Session, caps: string, creds: { username: string; password: string }): Promise<void> {
  const auth = /^250[ -]AUTH[ =](.*)$/im.exec(caps)?.[1].toUpperCase().split(/\s+/) ?? [];
  if (auth.length === 0) return;
  if (auth.includes('PLAIN')) {
    await s.exchange('AUTH', `AUTH PLAIN ${btoa(`\0${creds.username}\0${creds.password}`)}\r\n`, [235]);
  } else if (auth.includes('LOGIN')) {
    await s.exchange('AUTH', 'AUTH LOGIN\r\n', [334]);
    await s.exchange('AUTH', `${btoa(creds.username)}\r\n`, [334]);
    await s.exchange('AUTH', `${btoa(creds.password)}\r\n`, [235]);
  } else throw new Error(`SMTP AUTH: no method in common (${auth.join(' ')})`);
}

/** Sends one message on its own connection; throws what the server said, or which step missed its deadline. */
export async function smtpSend(server: SmtpServer, limits: SmtpDeadlines, mail: Envelope): Promise<void> {
  const s = new Session(server, limits);
  try {
    await s.open();
    await s.exchange('greeting', null, [220]);
    let caps = await hello(s, mail.helo);
    if (server.tls === 'starttls' && /^250[ -]STARTTLS\b/im.test(caps)) {
      await s.exchange('STARTTLS', 'STARTTLS\r\n', [220]);
      s.upgrade();
      caps = await hello(s, mail.helo);
    }
    if (server.credentials) await authenticate(s, caps, server.credentials);
    await s.exchange('MAIL FROM', `MAIL FROM:<${mail.from}>\r\n`, [250]);
    await s.exchange('RCPT TO', `RCPT TO:<${mail.to}>\r\n`, [250, 251]);
    await s.exchange('DATA', 'DATA\r\n', [354]);
    await s.exchange('message', mail.data, [250]);
    await s.exchange('QUIT', 'QUIT\r\n', [221]).catch(() => undefined);
  } finally {
    s.close();
  }
}
