// The local targets that `npm run bench` and `npm run load` drive, all on 127.0.0.1: the fake
// upstream in its own Node process, a bare pass-through Worker under `wrangler dev`, and the
// relay seeded with one rich user, one unlimited key, one priced model and one openai channel.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './relay-process.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Keep wrangler/miniflare local: no metrics, no Request.cf fetch from workers.cloudflare.com.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';

/** A child in its own process group, so stop() ends it and everything it started. */
export function spawnGroup(cmd, args, opts) {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5000);
    await exited;
    clearTimeout(t);
  };
  return { child, stop, output: () => log };
}

export async function startUpstreamProcess() {
  const proc = spawnGroup(process.execPath, [path.join(root, 'scripts', 'fake-upstream.mjs'), '--port', '0'], {
    cwd: root,
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = /listening on (http:\/\/\S+)/.exec(proc.output());
    if (m) return { ...proc, url: m[1] };
    if (proc.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`fake upstream did not start:\n${proc.output()}`);
    await sleep(50);
  }
}

/** bench/<config> under `wrangler dev`: a Worker that only forwards the body to the upstream. */
export async function startPassthrough(upstreamUrl, config) {
  const port = await freePort();
  const dir = path.join(root, 'bench', config);
  const state = mkdtempSync(path.join(os.tmpdir(), 'bench-pass-'));
  const proc = spawnGroup(
    path.join(root, 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--var',
      `UPSTREAM_URL:${upstreamUrl}`,
      '--persist-to',
      state,
      '--show-interactive-dev-session=false',
    ],
    { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`passthrough worker exited:\n${proc.output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`passthrough worker did not come up:\n${proc.output()}`);
    await sleep(300);
  }
  return {
    url,
    port,
    pid: proc.child.pid,
    output: proc.output,
    stop: async () => {
      await proc.stop();
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export async function call(base, method, p, { jwt, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  const res = await fetch(`${base}${p}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Admin login, a rich user, an unlimited token, a priced model and one channel. */
export async function seedRelay(relay, upstreamUrl, model) {
  const { token: jwt } = await call(relay.url, 'POST', '/api/auth/login', { body: relay.admin });
  await call(relay.url, 'PUT', '/api/pricing', {
    jwt,
    body: { models: { [model]: { model_ratio: 0.075, completion_ratio: 4 } } },
  });
  await call(relay.url, 'POST', '/api/channels', {
    jwt,
    body: {
      name: 'bench-upstream',
      type: 'openai',
      base_url: upstreamUrl,
      keys: ['sk-bench-upstream'],
      models: [model],
    },
  });
  const user = await call(relay.url, 'POST', '/api/users', {
    jwt,
    body: { username: 'bench-user', password: 'bench-password-1', quota: 1_000_000_000_000 },
  });
  const token = await call(relay.url, 'POST', '/api/tokens', { jwt, body: { name: 'bench', user_id: user.id } });
  return { key: token.key, jwt, userId: user.id };
}

export function wranglerVersion() {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', 'wrangler', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** Runs stop functions in reverse order once, and on SIGINT/SIGTERM. */
export function stopper() {
  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll().finally(() => process.exit(130)));
  return { add: (stop) => stops.push(stop), stopAll };
}
