// The runtime killed mid-traffic and restarted on the same state: every call that was answered
// is charged once, with one log row, and the ledger's deltas add up to the balance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRelay } from '../../scripts/lib/relay-process.mjs';

const UPSTREAM_URL = process.env.UPSTREAM_URL;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function json(base, method, path, { jwt, key, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (jwt || key) headers.authorization = `Bearer ${jwt ?? key}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function seed(relay) {
  const admin = (await json(relay.url, 'POST', '/api/auth/login', { body: relay.admin })).body.token;
  const model = 'crash-model';
  await json(relay.url, 'PUT', '/api/pricing', { jwt: admin, body: { models: { [model]: { model_ratio: 1 } } } });
  const ch = await json(relay.url, 'POST', '/api/channels', {
    jwt: admin,
    body: { name: 'c', type: 'openai', base_url: `${UPSTREAM_URL}/s/crash`, keys: ['k'], models: [model] },
  });
  assert.equal(ch.status, 201);
  const user = (
    await json(relay.url, 'POST', '/api/users', {
      jwt: admin,
      body: { username: 'crashuser', password: 'password-123', quota: 1_000_000 },
    })
  ).body;
  const token = (await json(relay.url, 'POST', '/api/tokens', { jwt: admin, body: { name: 'k', user_id: user.id } }))
    .body;
  return { admin, model, userId: user.id, key: token.key };
}

/** Sends calls, a few at a time, until `stop` says so; collects what was answered. */
async function traffic(url, key, model, shouldStop) {
  const answered = [];
  const worker = async () => {
    while (!shouldStop()) {
      try {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        });
        const text = await res.text();
        if (res.status === 200 && JSON.parse(text).choices)
          answered.push({ id: res.headers.get('x-request-id'), charged: Number(res.headers.get('x-quota-charged')) });
      } catch {
        // the runtime died under this call: not answered
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return answered;
}

async function allLogs(url, jwt, userId) {
  const rows = [];
  let cursor = null;
  do {
    const page = (
      await json(url, 'GET', `/api/logs?user_id=${userId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { jwt })
    ).body;
    rows.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

async function allLedger(url, jwt, userId) {
  const rows = [];
  let cursor = null;
  do {
    const page = (
      await json(url, 'GET', `/api/users/${userId}/ledger?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { jwt })
    ).body;
    rows.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

test('a runtime killed mid-traffic and restarted charges every answered call once, with one log row', {
  timeout: 180_000,
}, async () => {
  assert.ok(UPSTREAM_URL, 'UPSTREAM_URL is set by scripts/e2e.mjs');
  const first = await startRelay({ quiet: true });
  let second;
  try {
    const s = await seed(first);
    let killed = false;
    const running = traffic(first.url, s.key, s.model, () => killed);
    await sleep(2500);
    killed = true;
    await first.kill();
    const answered = await running;
    assert.ok(answered.length > 20, `only ${answered.length} calls were answered before the kill`);

    second = await startRelay({ quiet: true, reuse: { dir: first.dir, admin: first.admin } });
    const admin = (await json(second.url, 'POST', '/api/auth/login', { body: second.admin })).body.token;
    // The account object flushes what it held when it first wakes again: one call wakes it.
    const more = await traffic(
      second.url,
      s.key,
      s.model,
      (() => {
        let n = 0;
        return () => n++ >= 8;
      })(),
    );
    const everyAnswered = [...answered, ...more];
    let logs = [];
    for (let i = 0; i < 100; i++) {
      logs = await allLogs(second.url, admin, s.userId);
      if (everyAnswered.every((a) => logs.some((l) => l.request_id === a.id))) break;
      await sleep(100);
    }
    for (const a of everyAnswered) {
      const rows = logs.filter((l) => l.request_id === a.id);
      assert.equal(rows.length, 1, `request ${a.id} has ${rows.length} log rows`);
      assert.equal(
        rows[0].quota,
        a.charged,
        `request ${a.id} was answered with ${a.charged} and charged ${rows[0].quota}`,
      );
    }
    const user = (await json(second.url, 'GET', `/api/users/${s.userId}`, { jwt: admin })).body;
    const charged = logs.reduce((sum, l) => sum + l.quota, 0);
    assert.equal(user.quota, 1_000_000 - charged);
    const ledger = await allLedger(second.url, admin, s.userId);
    assert.equal(
      ledger.reduce((sum, r) => sum + r.delta, 0),
      user.quota,
    );
    assert.equal(ledger.filter((r) => r.reason === 'charge').length, logs.filter((l) => l.quota > 0).length);
  } finally {
    await second?.stop();
    await first.stop();
  }
});
