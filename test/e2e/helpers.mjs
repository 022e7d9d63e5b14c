// Shared helpers for the end-to-end tests. They drive a running relay (RELAY_URL) and the fake
// upstream (UPSTREAM_URL) only through their public HTTP surfaces, as a real client would.
// scripts/e2e.mjs starts both and sets the environment variables below.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient, pollUntil } from '../support/client.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run the e2e suite with \`npm run test:e2e\` (scripts/e2e.mjs)`);
  return v.replace(/\/+$/, '');
}

export const RELAY_URL = need('RELAY_URL');
export const UPSTREAM_URL = need('UPSTREAM_URL');
const ADMIN = { username: need('RELAY_ADMIN_USER'), password: need('RELAY_ADMIN_PASSWORD') };

/** The fake upstream's default answer and usage. */
export const FAKE_CONTENT = 'Hello from the fake upstream.';
export const FAKE_USAGE = { prompt: 10, completion: 5 };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A name that no other test (or earlier run against the same relay) uses. */
export function uid(prefix = 'e2e') {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

const relay = createClient(fetch, RELAY_URL);

/** api()'s options as the client takes them: a string body is sent as it is. */
const callOptions = ({ jwt, key, body, headers = {} } = {}) => ({
  jwt,
  key,
  headers,
  ...(typeof body === 'string' ? { raw: body } : { body }),
});

/** One JSON call to the relay; answers {status, headers, body} and never throws on a status. */
export const api = (method, path, opts) => relay.call(method, path, callOptions(opts));

/** Like api(), but throws unless the status is an expected one, and returns the body. */
export async function ok(method, path, opts = {}, expected = [200, 201, 204]) {
  return (await relay.callExpecting(method, path, callOptions(opts), expected)).body;
}

export const login = (username, password) => relay.login(username, password);

let adminJwtPromise;
export function adminJwt() {
  adminJwtPromise ??= login(ADMIN.username, ADMIN.password);
  return adminJwtPromise;
}

// ---------------------------------------------------------------------------
// Fake upstream control
// ---------------------------------------------------------------------------

/** Sets a scenario's behaviour and answers the base_url a channel should use for it. */
export async function scenario(name, config = { mode: 'ok' }) {
  const res = await fetch(`${UPSTREAM_URL}/__control/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  assert.equal(res.status, 200, `fake upstream control for ${name} answered ${res.status}`);
  return `${UPSTREAM_URL}/s/${encodeURIComponent(name)}`;
}

/** The requests a scenario has received: [{method, path, headers, body, aborted}]. */
export async function upstreamRequests(name) {
  const res = await fetch(`${UPSTREAM_URL}/__control/${encodeURIComponent(name)}/requests`);
  return (await res.json()).requests;
}

// ---------------------------------------------------------------------------
// Management API shortcuts (admin)
// ---------------------------------------------------------------------------

export async function createUser({ quota = 1_000_000, group = 'default', username = uid('u') } = {}) {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  return relay.createUser(await adminJwt(), { username, password, quota, group });
}

/** A token for the user (created by the admin on the user's behalf). Answers {id, key, ...}. */
export async function createToken(userId, fields = {}) {
  const token = await relay.createToken(await adminJwt(), { name: uid('tok'), user_id: userId, ...fields });
  assert.match(token.key, /^sk-[A-Za-z0-9]{48}$/);
  return token;
}

/**
 * A channel pointing at its own fake-upstream scenario. Answers the channel plus `scenario`
 * (its id at the fake upstream) and `baseUrl`.
 */
export async function createChannel({
  models,
  type = 'openai',
  mode = { mode: 'ok' },
  scenarioName = uid('scn'),
  ...rest
}) {
  const jwt = await adminJwt();
  const baseUrl = await scenario(scenarioName, mode);
  const channel = await ok(
    'POST',
    '/api/channels',
    {
      jwt,
      body: {
        name: uid('ch'),
        type,
        base_url: baseUrl,
        keys: [`sk-upstream-${randomBytes(6).toString('hex')}`],
        models,
        ...rest,
      },
    },
    201,
  );
  return { ...channel, scenario: scenarioName, baseUrl };
}

export async function patchChannel(id, fields) {
  return ok('PATCH', `/api/channels/${id}`, { jwt: await adminJwt(), body: fields }, 200);
}

/** Prices models; `price` is {model_ratio, completion_ratio, cache_ratio, price_per_call}. */
export async function setPrice(models, price = { model_ratio: 1 }, groups) {
  const list = Array.isArray(models) ? models : [models];
  const body = { models: Object.fromEntries(list.map((m) => [m, price])) };
  if (groups) body.groups = groups;
  return ok('PUT', '/api/pricing', { jwt: await adminJwt(), body }, 200);
}

/** The live balance of a user. */
export async function balance(userId) {
  const user = await ok('GET', `/api/users/${userId}`, { jwt: await adminJwt() }, 200);
  return user.quota;
}

/**
 * The usual fixture: a fresh model, a user with `quota`, a token, an ok channel (or the given
 * channels), and a price. Answers {model, user, token, channel, channels}.
 */
export async function setupCustomer({
  quota = 1_000_000,
  group = 'default',
  price = { model_ratio: 1 },
  priced = true,
  type = 'openai',
  channels = [{}],
  token: tokenFields = {},
  model = uid(type === 'anthropic' ? 'claude-e2e' : 'gpt-e2e'),
} = {}) {
  const made = [];
  for (const ch of channels) made.push(await createChannel({ models: [model], type, groups: [group], ...ch }));
  if (priced) await setPrice(model, price);
  const user = await createUser({ quota, group });
  const token = await createToken(user.id, tokenFields);
  return { model, user, token, channel: made[0], channels: made };
}

/** Polls fn until it answers something truthy; answers that, or throws after timeoutMs. */
export const waitFor = (fn, { timeoutMs = 2000, intervalMs = 50, what = 'condition' } = {}) =>
  pollUntil(fn, { timeoutMs, intervalMs, what });

/** The log row of a request, as the admin sees it; waits up to timeoutMs for it to appear. */
export async function findLog(requestId, { userId, timeoutMs = 2000 } = {}) {
  const jwt = await adminJwt();
  const q = userId ? `?user_id=${userId}&limit=100` : '?limit=100';
  return waitFor(
    async () => {
      const page = await ok('GET', `/api/logs${q}`, { jwt }, 200);
      return page.items.find((r) => r.request_id === requestId);
    },
    { timeoutMs, what: `the log row of ${requestId}` },
  );
}

/** Waits (up to timeoutMs, the contract's 2 s by default) until the balance is `expected`. */
export async function expectBalance(userId, expected, { timeoutMs = 2000 } = {}) {
  let last;
  try {
    await waitFor(
      async () => {
        last = await balance(userId);
        return last === expected;
      },
      { timeoutMs, what: `balance ${expected}` },
    );
  } catch {
    assert.equal(last, expected, `balance of user ${userId} after ${timeoutMs} ms`);
  }
}

/** Asserts that a refused request charged nothing: the balance is unchanged a second later. */
export async function expectUnchanged(userId, before, waitMs = 1000) {
  await sleep(waitMs);
  assert.equal(await balance(userId), before, `balance of user ${userId} changed after a refused request`);
}

/**
 * The contract's charge, exact in decimals:
 * ceil((P - K + K*cache_ratio + C*completion_ratio) * model_ratio * group_ratio), at least 1 when P+C > 0.
 * Scaled integer arithmetic (BigInt) so 0.1 * 3 is 0.3.
 */
export function expectedCharge(
  { prompt, completion, cached = 0 },
  { model_ratio = 1, completion_ratio = 1, cache_ratio = 1, group_ratio = 1 } = {},
) {
  const SCALE = 10n ** 12n;
  const d = (x) => {
    const [i, f = ''] = String(x).split('.');
    return BigInt(i) * SCALE + BigInt((f + '0'.repeat(12)).slice(0, 12));
  };
  const tokens = d(prompt - cached) + BigInt(cached) * d(cache_ratio) + BigInt(completion) * d(completion_ratio);
  // tokens has scale 12; two more multiplications by scale-12 ratios give scale 36
  const total = tokens * d(model_ratio) * d(group_ratio);
  const div = SCALE * SCALE * SCALE;
  let units = total / div + (total % div > 0n ? 1n : 0n);
  if (prompt + completion > 0 && units < 1n) units = 1n;
  return Number(units);
}

/** Asserts an OpenAI-shaped error body {error: {message, type, code}}. */
export function assertErrorShape(body, code) {
  assert.equal(typeof body, 'object', `error body is not JSON: ${body}`);
  assert.ok(body && body.error, `no "error" object in ${JSON.stringify(body)}`);
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.error.type, 'string');
  if (code !== undefined) assert.equal(body.error.code, code, `error code in ${JSON.stringify(body)}`);
}

/** Runs fn and answers the error it throws (fails when it does not throw). */
export async function rejection(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail, but it succeeded');
}
