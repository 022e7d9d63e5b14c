// A local stand-in for Cloudflare Turnstile's siteverify endpoint, speaking its documented
// protocol: POST /turnstile/v0/siteverify with form fields (or JSON) `secret`, `response`,
// `remoteip`, answered {"success", "error-codes", "challenge_ts", "hostname"}.
//   - a secret other than TURNSTILE_TEST_SECRET: invalid-input-secret
//   - a response starting "pass-": success, once (a token is single-use: timeout-or-duplicate after)
//   - any other response: invalid-input-response; a missing one: missing-input-response
//   GET /__requests?response=tok   what was asked (for one token), so tests can check remoteip
import http from 'node:http';

export const TURNSTILE_TEST_SECRET = 'turnstile-secret-for-tests';

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(body || '{}');
  return Object.fromEntries(new URLSearchParams(body));
}

function verdict(form, used) {
  if (form.secret !== TURNSTILE_TEST_SECRET) return ['invalid-input-secret'];
  if (!form.response) return ['missing-input-response'];
  if (!String(form.response).startsWith('pass-')) return ['invalid-input-response'];
  if (used.has(form.response)) return ['timeout-or-duplicate'];
  used.add(form.response);
  return [];
}

export async function startFakeTurnstile({ port = 0 } = {}) {
  const used = new Set();
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && url.pathname === '/__requests') {
        const only = url.searchParams.get('response');
        return send(200, { requests: only ? requests.filter((r) => r.form.response === only) : requests });
      }
      if (req.method !== 'POST' || url.pathname !== '/turnstile/v0/siteverify')
        return send(404, { error: 'not found' });
      const form = await readForm(req);
      requests.push({ contentType: req.headers['content-type'] ?? null, form });
      const errors = verdict(form, used);
      send(200, {
        success: errors.length === 0,
        'error-codes': errors,
        ...(errors.length ? {} : { challenge_ts: new Date().toISOString(), hostname: 'relay.test' }),
      });
    } catch (err) {
      send(400, { success: false, 'error-codes': ['bad-request'], message: String(err) });
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
