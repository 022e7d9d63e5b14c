// Starts the relay exactly as `npm start` does, on a throwaway state directory and secrets file,
// for end-to-end tests, browser tests and benchmarks. Loopback only.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A port on 127.0.0.1 that nothing listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `reuse` starts a relay on the state and secrets an earlier one left (after `kill()`), as a
 * restarted runtime would find them.
 * @param {{ port?: number, vars?: Record<string,string>, quiet?: boolean, reuse?: { dir: string, admin: { username: string, password: string } } }} [opts]
 * @returns {Promise<{ url: string, port: number, pid: number, dir: string, admin: { username: string, password: string }, stop(): Promise<void>, kill(): Promise<void>, output(): string }>}
 */
export async function startRelay(opts = {}) {
  // A port the system says is free: a random one could belong to a relay that is already running,
  // which would then answer the readiness check below in this one's place.
  const port = opts.port ?? (await freePort());
  const dir = opts.reuse?.dir ?? mkdtempSync(path.join(tmpdir(), 'relay-'));
  const admin = opts.reuse?.admin ?? { username: 'root', password: `pw-${randomBytes(9).toString('hex')}` };
  const varsFile = path.join(dir, 'dev.vars');
  if (!opts.reuse) {
    writeFileSync(
      varsFile,
      [
        `ADMIN_USERNAME=${admin.username}`,
        `ADMIN_PASSWORD=${admin.password}`,
        `JWT_SECRET=${randomBytes(32).toString('hex')}`,
        `ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`,
        '',
      ].join('\n'),
    );
  }
  const extra = Object.entries(opts.vars ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      RELAY_STATE_DIR: path.join(dir, 'state'),
      RELAY_VARS_FILE: varsFile,
      RELAY_VARS: extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
    if (!opts.quiet && process.env.RELAY_DEBUG) process.stdout.write(d);
  });
  child.stderr.on('data', (d) => {
    log += d;
    if (process.env.RELAY_DEBUG) process.stderr.write(d);
  });
  const url = `http://127.0.0.1:${port}`;
  /** The runtime dies at once, mid-whatever, leaving its state for a restart. */
  const kill = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relay exited early (${child.exitCode}):\n${log}`);
    try {
      // Only once this wrangler says it listens on the port is an answer there its own.
      const res = new RegExp(`Ready on http://\\S+:${port}\\b`).test(log) ? await fetch(`${url}/api/pricing`) : null;
      if (res?.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`relay did not come up on ${url}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, port, pid: child.pid, dir, admin, stop, kill, output: () => log };
}
