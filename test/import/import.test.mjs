// `npm run import` end to end: one-api / new-api SQLite files and a mysqldump, built here, are
// imported into a fresh local D1; then the relay is started on that state and the old keys,
// passwords, channels, prices and codes are used through its API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeUpstream } from '../../scripts/fake-upstream.mjs';
import { query } from '../../scripts/import/d1.mjs';
import { sha256Hex } from '../../scripts/import/crypto.mjs';
import { readDump } from '../../scripts/import/mysqldump.mjs';
import { startRelay } from '../../scripts/lib/relay-process.mjs';
import { key48, newApiDatabase, oneApiDatabase, oneApiMysqlDump } from './fixtures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const USAGE = { prompt_tokens: 1000, completion_tokens: 200 };

/** A fresh directory laid out as startRelay's `reuse` expects: dev.vars and state/. */
function freshDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-import-test-'));
  const admin = { username: 'relayadmin', password: `pw-${randomBytes(8).toString('hex')}` };
  const vars = [
    `ADMIN_USERNAME=${admin.username}`,
    `ADMIN_PASSWORD=${admin.password}`,
    `JWT_SECRET=${randomBytes(32).toString('hex')}`,
    `ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`,
    '',
  ];
  writeFileSync(path.join(dir, 'dev.vars'), vars.join('\n'));
  return { dir, admin, state: path.join(dir, 'state') };
}

function runImport(d, file, ...flags) {
  const r = spawnSync(
    process.execPath,
    ['scripts/import.mjs', file, '--state', d.state, '--vars', path.join(d.dir, 'dev.vars'), ...flags],
    { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  return { status: r.status, out: r.stdout + r.stderr };
}

const read = (d, sql) => query({ root, remote: false, stateDir: d.state }, [sql])[0];
const SNAPSHOT = [
  'users',
  'tokens',
  'channels',
  'model_prices',
  'groups',
  'redemption_codes',
  'ledger',
  'usage_daily',
  'import_map',
  'pricing_history',
];
const snapshot = (d) =>
  query(
    { root, remote: false, stateDir: d.state },
    SNAPSHOT.map((t) => `SELECT * FROM ${t} ORDER BY 1`),
  );

let up;
let one;
let relay;
let oneFile;

before(async () => {
  up = await startFakeUpstream();
  for (const name of ['live', 'dead']) {
    await fetch(`${up.url}/__control/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'ok', usage: USAGE }),
    });
  }
  one = freshDir();
  oneFile = path.join(one.dir, 'one-api.db');
  writeFileSync(oneFile, await oneApiDatabase({ liveUrl: `${up.url}/s/live`, deadUrl: `${up.url}/s/dead` }));
});

after(async () => {
  await relay?.stop();
  await up?.close();
});

test('mysqldump: statements, escapes and column order are read', () => {
  const dump = readDump(oneApiMysqlDump());
  assert.deepEqual(
    dump.rows.get('users')?.map((u) => u.display_name),
    ["Dave 'the' Admin;", 'Erin\nNew'],
  );
  assert.equal(dump.rows.get('tokens')?.[0].name, 'dave; key');
  assert.equal(dump.rows.get('channels')?.[0].key, 'sk-ant-a\nsk-ant-b');
  assert.deepEqual(JSON.parse(String(dump.rows.get('options')?.[0].value)), { 'claude-3-5-sonnet': 1.5 });
});

test('--dry-run prints the plan and writes nothing', () => {
  const r = runImport(one, oneFile, '--dry-run');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /DRY RUN/);
  assert.match(r.out, /tokens +would write +tokens 5/);
  assert.equal(existsSync(path.join(one.state, 'v3', 'd1')), false, 'the dry run created a database');
});

test('one-api import; a second run changes nothing; nothing secret is printed', async () => {
  const first = runImport(one, oneFile, '--with-logs');
  assert.equal(first.status, 0, first.out);
  for (const secret of [key48('live'), 'sk-upstream-one', 'AIza-gemini-upstream-key', '$2a$', '$2b$', 'f'.repeat(16)])
    assert.ok(!first.out.includes(secret), `output shows ${secret}`);
  // Gemini (type 24) maps to `gemini` where the relay has that provider; else it comes in disabled, named.
  const [gemini] = read(one, "SELECT type, status, status_reason FROM channels WHERE name = 'gemini'");
  if (gemini.type === 'gemini') assert.equal(gemini.status, 'enabled');
  else
    assert.deepEqual(
      [gemini.status, /Gemini/.test(String(gemini.status_reason)), /Gemini/.test(first.out)],
      ['disabled', true, true],
    );
  const before = snapshot(one);
  const second = runImport(one, oneFile, '--with-logs');
  assert.equal(second.status, 0, second.out);
  assert.doesNotMatch(second.out, /\bwritten\b/);
  assert.deepEqual(snapshot(one), before);
  const [alice] = read(one, "SELECT password_hash FROM users WHERE username = 'alice'");
  assert.match(String(alice.password_hash), /^\$2[ab]\$/);
});

test('the relay serves the imported key and charges what one-api charged', async () => {
  relay = await startRelay({ reuse: { dir: one.dir, admin: one.admin } });
  const key = `sk-${key48('live')}`;
  const chat = (k) =>
    fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 300 }),
    });
  const res = await chat(key);
  assert.equal(res.status, 200, await res.clone().text());
  // one-api: ceil((prompt + completion * CompletionRatio) * ModelRatio * GroupRatio(vip))
  const expected = Math.ceil((1000 + 200 * 4) * 0.075 * 1.5);
  const admin = await login(one.admin.username, one.admin.password);
  const aliceId = Number(read(one, "SELECT id FROM users WHERE username = 'alice'")[0].id);
  const deadline = Date.now() + 5000;
  let quota = 0;
  for (;;) {
    quota = await balance(admin, aliceId);
    if (Date.now() >= deadline || quota !== 1_000_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(1_000_000 - quota, expected);
  for (const dead of [`sk-${key48('off')}`, `sk-${key48('empty')}`]) assert.notEqual((await chat(dead)).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await chat(key)).status, 200);
  const deadRequests = (await (await fetch(`${up.url}/__control/dead/requests`)).json()).requests;
  assert.equal(deadRequests.length, 0, 'the auto-disabled channel was used');
});

test('an old password logs in and is re-hashed; a code redeems once', async () => {
  const session = await login('alice', 'alice-old-pass');
  assert.equal(
    (
      await fetch(`${relay.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'wrong-pass' }),
      })
    ).status,
    401,
  );
  const redeem = () =>
    fetch(`${relay.url}/api/redemptions/redeem`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: `${'f'.repeat(16)}0123456789abcdef` }),
    });
  const firstRedeem = await redeem();
  assert.equal(firstRedeem.status, 200, await firstRedeem.clone().text());
  assert.equal((await firstRedeem.json()).credited, 250000);
  assert.equal((await redeem()).status, 409);
  await login('alice', 'alice-old-pass');
  await relay.kill();
  const [alice] = read(one, "SELECT password_hash FROM users WHERE username = 'alice'");
  assert.match(String(alice.password_hash), /^pbkdf2\$/);
});

test('new-api: quota per unit scaled exactly, per-call prices, IP lists, model limits', async () => {
  const d = freshDir();
  try {
    const file = path.join(d.dir, 'new-api.db');
    writeFileSync(file, await newApiDatabase());
    const r = runImport(d, file);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /1000000 quota per US dollar/);
    const [carol] = read(d, "SELECT role, quota, used_quota FROM users WHERE username = 'carol'");
    assert.deepEqual(carol, { role: 'admin', quota: 1_500_000, used_quota: 1_000_000 });
    assert.equal(read(d, "SELECT count(*) n FROM users WHERE username = 'gone'")[0].n, 0);
    const [token] = read(d, 'SELECT key_hash, remain_quota, models, allow_ips, "group" FROM tokens');
    assert.equal(token.key_hash, await sha256Hex(`sk-${key48('carol')}`));
    assert.deepEqual(
      [token.remain_quota, JSON.parse(String(token.models)), JSON.parse(String(token.allow_ips))],
      [500_000, ['deepseek-chat', 'gpt-4o'], ['192.168.1.0/24', '127.0.0.1']],
    );
    const prices = Object.fromEntries(read(d, 'SELECT * FROM model_prices').map((p) => [p.model, p]));
    assert.deepEqual(
      [prices['deepseek-chat'].model_ratio, prices['deepseek-chat'].cache_ratio, prices.mj_imagine.price_per_call],
      [0.25, 0.1, 0.1],
    );
    const channels = read(d, 'SELECT name, type, base_url, key_count, status FROM channels ORDER BY id');
    assert.deepEqual(
      channels.map((c) => [c.type, c.base_url, c.key_count, c.status]),
      [
        ['openai', 'https://api.deepseek.com', 3, 'enabled'],
        ['openai', 'https://mj.example', 1, 'disabled'],
      ],
    );
    assert.equal(read(d, 'SELECT count(*) n FROM redemption_codes')[0].n, 1);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test('mysqldump import; an import into a relay with its own users refuses without --merge', async () => {
  const d = freshDir();
  try {
    const file = path.join(d.dir, 'dump.sql');
    writeFileSync(file, oneApiMysqlDump());
    const r = runImport(d, file);
    assert.equal(r.status, 0, r.out);
    const users = read(d, 'SELECT username, role, quota FROM users ORDER BY id');
    assert.deepEqual(
      users.map((u) => [u.username, u.role, u.quota]),
      [
        ['dave', 'admin', 200000],
        ['erin', 'user', 0],
      ],
    );
    const [ch] = read(d, 'SELECT type, base_url, key_count, model_mapping FROM channels');
    assert.deepEqual(
      [ch.type, ch.base_url, ch.key_count, JSON.parse(String(ch.model_mapping))],
      ['anthropic', 'https://api.anthropic.com', 2, { 'claude-3-5-sonnet': 'claude-3-5-sonnet-20241022' }],
    );
    const again = runImport(d, oneFile, '--source', 'another-site');
    assert.equal(again.status, 2, again.out);
    assert.match(again.out, /--merge/);
    const merged = runImport(d, oneFile, '--source', 'another-site', '--merge');
    assert.equal(merged.status, 0, merged.out);
    assert.equal(read(d, "SELECT count(*) n FROM users WHERE username = 'alice'")[0].n, 1);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

async function login(username, password) {
  const res = await fetch(`${relay.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login ${username}: ${await res.clone().text()}`);
  return (await res.json()).token;
}

async function balance(jwt, userId) {
  const res = await fetch(`${relay.url}/api/users/${userId}`, { headers: { authorization: `Bearer ${jwt}` } });
  return (await res.json()).quota;
}
