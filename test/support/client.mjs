// The one HTTP client the tests use to talk to the relay: the workerd tests hand it SELF.fetch,
// the e2e and browser suites the global fetch. Plain ESM so Node can import it; types in client.d.mts.

/** Answers the parsed JSON body, the text when it is not JSON, or null when empty. */
function parseBody(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requestHeaders({ headers, jwt, token, key, body, raw }) {
  const h = new Headers(headers);
  if ((body !== undefined || raw !== undefined) && !h.has('content-type')) h.set('content-type', 'application/json');
  const bearer = key ?? jwt ?? token;
  if (bearer) h.set('authorization', `Bearer ${bearer}`);
  return h;
}

function requestBody({ body, raw }) {
  if (raw !== undefined) return raw;
  return body === undefined ? undefined : JSON.stringify(body);
}

const describeAnswer = (method, path, answer) => {
  const shown = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return `${method} ${path} answered ${answer.status}: ${String(shown).slice(0, 500)}`;
};

const isSuccess = (status) => status >= 200 && status < 300;

export function createClient(fetchFn, baseUrl) {
  const base = baseUrl.replace(/\/+$/, '');

  async function call(method, path, opts = {}) {
    const res = await fetchFn(`${base}${path}`, { method, headers: requestHeaders(opts), body: requestBody(opts) });
    return { status: res.status, body: parseBody(await res.text()), headers: res.headers };
  }

  async function callExpecting(method, path, opts = {}, expected) {
    const answer = await call(method, path, opts);
    const fits = expected === undefined ? isSuccess(answer.status) : [expected].flat().includes(answer.status);
    if (!fits) throw new Error(describeAnswer(method, path, answer));
    return answer;
  }

  async function login(username, password) {
    const { body } = await callExpecting('POST', '/api/auth/login', { body: { username, password } }, 200);
    if (typeof body?.token !== 'string') throw new Error(`login ${username} answered no token`);
    return body.token;
  }

  async function createUser(adminJwt, { username, password, quota = 0, group = 'default' }) {
    const { body } = await callExpecting(
      'POST',
      '/api/users',
      { jwt: adminJwt, body: { username, password, quota, group } },
      201,
    );
    return { ...body, username, password };
  }

  async function createToken(jwt, fields) {
    return (await callExpecting('POST', '/api/tokens', { jwt, body: fields }, 201)).body;
  }

  return { baseUrl: base, call, callExpecting, login, createUser, createToken };
}

/** Polls `probe` until it answers something truthy; answers that, or throws after timeoutMs. */
export async function pollUntil(probe, { timeoutMs = 5000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await probe();
    if (last) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
