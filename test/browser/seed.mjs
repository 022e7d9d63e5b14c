// Seeds a fresh relay through its public JSON API: prices, a customer, a channel on the fake
// upstream, a key, and a few relay calls (one from the documentation IP 203.0.113.7).

import { createClient, pollUntil } from '../support/client.mjs';

export const CUSTOMER = { username: 'alice', password: 'alice-pass-123' };
export const CUSTOMER_IP = '203.0.113.7';
export const OTHER_IP = '198.51.100.23';
export const START_QUOTA = 5_000_000; // $10

export const PRICES = {
  'gpt-4o-mini': { model_ratio: 0.075, completion_ratio: 4 },
  'gpt-4o': { model_ratio: 1.25, completion_ratio: 4, cache_ratio: 0.5 },
  'dall-e-3': { price_per_call: 0.04 },
};

/** A call that must succeed (2xx): answers {body, headers}, throws otherwise. */
const call = (base, method, path, opts) => createClient(fetch, base).callExpecting(method, path, opts);

export const login = (base, username, password) => createClient(fetch, base).login(username, password);

export function api(base, token) {
  const bodyOf = (method) => (path, body) => call(base, method, path, { token, body }).then((r) => r.body);
  return { get: bodyOf('GET'), post: bodyOf('POST'), put: bodyOf('PUT'), patch: bodyOf('PATCH') };
}

export async function relayChat(base, key, model, ip) {
  const { body: data, headers } = await call(base, 'POST', '/v1/chat/completions', {
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
  for (const [model, ip] of [
    ['gpt-4o-mini', CUSTOMER_IP],
    ['gpt-4o', CUSTOMER_IP],
    ['gpt-4o', OTHER_IP],
    ['gpt-4o-mini', CUSTOMER_IP],
  ]) {
    calls.push(await relayChat(base, token.key, model, ip));
  }
  // A charge shows in the log within 2 seconds of its response.
  await pollUntil(async () => (await me.get('/api/logs?limit=50')).items.length >= calls.length, {
    timeoutMs: 10_000,
    intervalMs: 200,
    what: `${calls.length} log rows`,
  });
  return { admin, adminToken, me, customer, channel, token, firstCall: first, calls };
}
