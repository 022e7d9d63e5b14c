// A real SMTP server (the `smtp-server` package) that keeps every mail it accepts, for the tests.
// workerd reaches it over loopback with worker-mailer; the tests read what it received, and can take
// it "down" (every connection refused with 421) or make it hang, over a small HTTP control server:
//   GET  /mails?to=addr          the mails received (optionally for one recipient), parsed
//   DELETE /mails                forget them
//   PUT  /down  {"down": b}      refuse (or accept again) connections
//   PUT  /silent {"silent": b, "at": "connect"|"data"}  never answer: to a new connection (no
//                                greeting), or to a message once sent; false answers again (held
//                                sessions then get a 421 and the message is not kept)
//   GET  /connections            how many connections it has accepted so far
import http from 'node:http';
import { SMTPServer } from 'smtp-server';

export const SMTP_USER = 'relay';
export const SMTP_PASS = 'smtp-secret';

function decodeQp(text) {
  const bytes = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === '=' ? soft.slice(i + 1, i + 3) : '';
    if (/^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value) {
  // Whitespace between two encoded words is part of neither (RFC 2047 section 6.2).
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, q) => decodeQp(q.replace(/_/g, ' ')));
}

function parseHeaders(block) {
  const headers = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

/** The text/plain and text/html parts of a MIME message, decoded. */
function parts(raw) {
  const out = { text: '', html: '' };
  const re = /Content-Type: text\/(plain|html)[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?\r?\n([\s\S]*?)\r?\n--/gi;
  for (const m of raw.matchAll(re)) out[m[1] === 'plain' ? 'text' : 'html'] = decodeQp(m[2]);
  return out;
}

export function parseMail(raw, envelope) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = parseHeaders(raw.slice(0, split));
  return {
    from: envelope.mailFrom ? envelope.mailFrom.address : null,
    to: envelope.rcptTo.map((r) => r.address),
    headers,
    ...parts(raw),
    raw,
  };
}

export async function startFakeSmtp() {
  const mails = [];
  let down = false;
  let silent = false;
  let silentAt = 'connect';
  let connections = 0;
  const held = [];
  const release = () => {
    for (const cb of held.splice(0)) cb(Object.assign(new Error('fake SMTP server was hung'), { responseCode: 421 }));
  };
  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, cb) {
      connections++;
      if (silent && silentAt === 'connect') return void held.push(cb);
      cb(down ? Object.assign(new Error('fake SMTP server is down'), { responseCode: 421 }) : undefined);
    },
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        if (silent && silentAt === 'data') return void held.push(cb);
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope));
        cb();
      });
    },
  });
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = smtp.server.address().port;
  const control = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && url.pathname === '/mails') {
        const to = url.searchParams.get('to');
        return res.end(JSON.stringify({ mails: to ? mails.filter((m) => m.to.includes(to)) : mails }));
      }
      if (req.method === 'DELETE' && url.pathname === '/mails') {
        mails.length = 0;
        return res.end('{}');
      }
      if (req.method === 'PUT' && url.pathname === '/down') {
        down = !!JSON.parse(body || '{}').down;
        return res.end(JSON.stringify({ down }));
      }
      if (req.method === 'PUT' && url.pathname === '/silent') {
        const asked = JSON.parse(body || '{}');
        silent = !!asked.silent;
        silentAt = asked.at === 'data' ? 'data' : 'connect';
        if (!silent) release();
        return res.end(JSON.stringify({ silent }));
      }
      if (req.method === 'GET' && url.pathname === '/connections') return res.end(JSON.stringify({ connections }));
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlUrl = `http://127.0.0.1:${control.address().port}`;
  return {
    smtpUrl: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${smtpPort}`,
    controlUrl,
    mails,
    async close() {
      release();
      await Promise.all([new Promise((r) => smtp.close(r)), new Promise((r) => control.close(r))]);
    },
  };
}
