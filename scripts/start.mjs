#!/usr/bin/env node
// `npm start`: apply local D1 migrations, create .dev.vars with random secrets when missing,
// print the admin login, then serve the Worker with wrangler on PORT (default 8787).
//
// Extra knobs for tests and benchmarks (all optional):
//   RELAY_STATE_DIR   wrangler --persist-to directory (default .wrangler/state)
//   RELAY_VARS_FILE   env file to use instead of .dev.vars (created the same way when missing)
//   RELAY_VARS        extra "KEY=VALUE,KEY=VALUE" settings passed with --var
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSettings } from './lib/check-settings.mjs';
import { buildClient } from './build-client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT || '8787';
const varsFile = path.resolve(root, process.env.RELAY_VARS_FILE || '.dev.vars');
const stateDir = process.env.RELAY_STATE_DIR ? path.resolve(root, process.env.RELAY_STATE_DIR) : undefined;
const wrangler = path.join(root, 'node_modules', '.bin', 'wrangler');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? '1' };

function randomText(n) {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

function ensureVars() {
  if (existsSync(varsFile)) return false;
  const lines = [
    '# Local secrets for `npm start`; generated once. Delete this file to get new ones.',
    'ADMIN_USERNAME=root',
    `ADMIN_PASSWORD=${randomText(20)}`,
    `JWT_SECRET=${randomText(48)}`,
    `ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`,
    '',
  ];
  writeFileSync(varsFile, lines.join('\n'), { mode: 0o600 });
  return true;
}

function readVars() {
  const out = {};
  for (const line of readFileSync(varsFile, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function migrate() {
  const args = ['d1', 'migrations', 'apply', 'DB', '--local'];
  if (stateDir) args.push('--persist-to', stateDir);
  const result = spawnSync(wrangler, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error('Applying the local D1 migrations failed.');
    process.exit(result.status ?? 1);
  }
  console.log('D1 migrations applied to the local database.');
}

const created = ensureVars();
const vars = readVars();
const extraVars = Object.fromEntries(
  (process.env.RELAY_VARS || '')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const problem = await checkSettings(root, { ...vars, ...extraVars });
if (problem) {
  console.error(`${problem}\n(fix wrangler.toml [vars] or ${path.relative(root, varsFile)}; nothing was started)`);
  process.exit(1);
}
migrate();
console.log(`\nLLM relay on http://127.0.0.1:${port}`);
console.log(`  dashboard  http://127.0.0.1:${port}/`);
console.log(`  API docs   http://127.0.0.1:${port}/api/docs`);
console.log(
  `  admin      ${vars.ADMIN_USERNAME || 'root'} / ${vars.ADMIN_PASSWORD ?? '(ADMIN_PASSWORD is not set in ' + path.basename(varsFile) + ')'}`,
);
console.log(
  created
    ? `  secrets    written to ${path.relative(root, varsFile)}\n`
    : `  secrets    from ${path.relative(root, varsFile)}\n`,
);

// The dashboard's files are built here, once, and wrangler dev runs on a copy of wrangler.toml
// without its [build] step: wrangler re-runs a custom build when its file watcher becomes ready,
// some seconds after start, and then restarts the Worker, cutting every request in flight
// ("Your worker restarted mid-request"). Deploys keep [build].
await buildClient({ quiet: true });
// Written only when it differs (atomically), since a running wrangler reloads when its config file changes.
const devConfig = path.join(root, '.wrangler-dev.toml');
const devConfigText = readFileSync(path.join(root, 'wrangler.toml'), 'utf8').replace(
  /^\[build\]\n(?:(?!\[).*\n)*/m,
  '',
);
if (!existsSync(devConfig) || readFileSync(devConfig, 'utf8') !== devConfigText) {
  const temp = `${devConfig}.${process.pid}`;
  writeFileSync(temp, devConfigText);
  renameSync(temp, devConfig);
}

const args = [
  'dev',
  '--config',
  devConfig,
  '--test-scheduled',
  '--port',
  port,
  '--ip',
  process.env.HOST || '127.0.0.1',
  '--show-interactive-dev-session=false',
];
if (stateDir) args.push('--persist-to', stateDir);
if (process.env.RELAY_VARS_FILE) args.push('--env-file', varsFile);
for (const [key, value] of Object.entries(extraVars)) args.push('--var', `${key}:${value}`);
const child = spawn(wrangler, args, { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
