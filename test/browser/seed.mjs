// Seeds a fresh relay through its public JSON API: prices, a customer, a channel on the fake
// upstream, a key, and a few relay calls (one from the documentation IP 203.0.113.7).

export const CUSTOMER = { username: 'alice', password: 'alice-pass-123' };
export const CUSTOMER_IP = '203.0.113.7';
export const OTHER_IP = '198.51.100.23';
export const START_QUOTA = 5_000_000; // $10

export const PRICES = {
  'gpt-4o-mini': { model_ratio: 0.075, completion_ratio: 4 },
  'gpt-4o': { model_ratio: 1.25, completion_ratio: 4, cache_ratio: 0.5 },
  'dall-e-3': { price_per_call: 0.04 },
};

async function call(base, method, path, { token, body, headers = {} } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return { data, headers: res.headers };
}

export async function login(base, username, password) {
  return (await call(base, 'POST', '/api/auth/login', { body: { username, password } })).data.token;
}

export function api(base, token) {
  return {
    get: (path) => call(base, 'GET', path, { token }).then((r) => r.data),
    post: (path, body) => call(base, 'POST', path, { token, body }).then((r) => r.data),
    put: (path, body) => call(base, 'PUT', path, { token, body }).then((r) => r.data),
    patch: (path, body) => call(base, 'PATCH', path, { token, body }).then((r) => r.data),
  };
}

export async function relayChat(base, key, model, ip) {
  const { data, headers } = await call(base, 'POST', '/v1/chat/completions', {
    headers: { authorization: `Bearer ${key}`, 'cf-connecting-ip': ip },
    body: { model, messages: [{ role: 'user', content: 'Say hello.' }] },
  });
  return { data, requestId: headers.get('x-request-id'), charged: Number(headers.get('x-quota-charged')) };
}

export async function seed(base, adminCreds, upstreamUrl) {
  const adminToken = await login(base, adminCreds.username, adminCreds.password);
  const admin = api(base, adminToken);
  await admin.put('/api/pricing', { models: PRICES, groups: { default: 1, vip: 0.8 } });
  const customer = await admin.post('/api/users', { ...CUSTOMER, quota: START_QUOTA });
  const channel = await admin.post('/api/channels', {
    name: 'fake-openai',
    type: 'openai',
    base_url: `${upstreamUrl}/s/browser`,
    keys: ['sk-upstream-fake'],
    models: ['gpt-4o-mini', 'gpt-4o'],
  });
  const customerToken = await login(base, CUSTOMER.username, CUSTOMER.password);
  const me = api(base, customerToken);
  const token = await me.post('/api/tokens', { name: 'seed-key' });

  const first = await relayChat(base, token.key, 'gpt-4o-mini', CUSTOMER_IP);
  const calls = [first];
  for (const [model, ip] of [['gpt-4o-mini', CUSTOMER_IP], ['gpt-4o', CUSTOMER_IP], ['gpt-4o', OTHER_IP], ['gpt-4o-mini', CUSTOMER_IP]]) {
    calls.push(await relayChat(base, token.key, model, ip));
  }
  // A charge shows in the log within 2 seconds of its response.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const logs = await me.get('/api/logs?limit=50');
    if (logs.items.length >= calls.length) break;
    if (Date.now() > deadline) throw new Error(`only ${logs.items.length} of ${calls.length} log rows appeared`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { admin, adminToken, me, customer, channel, token, firstCall: first, calls };
}
