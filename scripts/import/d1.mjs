// Talks to D1 through wrangler only: `d1 migrations apply`, `d1 execute --command --json` to read,
// `d1 execute --file` to write (one file is one batch: locally it is one transaction).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * @typedef {{ root: string, remote: boolean, stateDir?: string }} Target
 */

/** @param {Target} t */
function locationArgs(t) {
  if (t.remote) return ['--remote'];
  return ['--local', ...(t.stateDir ? ['--persist-to', t.stateDir] : [])];
}

/** @param {Target} t @param {string[]} args */
function wrangler(t, args) {
  const bin = path.join(t.root, 'node_modules', '.bin', 'wrangler');
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? '1' };
  const r = spawnSync(bin, args, { cwd: t.root, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The first error line wrangler printed, without colours (it never holds row values). */
function errorLine(out) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal's colour codes
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const line = plain.split('\n').find((l) => /ERROR|error/.test(l));
  return (line ?? plain.trim().split('\n').at(-1) ?? 'unknown error').trim().slice(0, 300);
}

/** @param {Target} t */
export function applyMigrations(t) {
  const r = wrangler(t, ['d1', 'migrations', 'apply', 'DB', ...locationArgs(t)]);
  if (!r.ok) throw new Error(`applying the D1 migrations failed: ${errorLine(r.stdout + r.stderr)}`);
}

/**
 * Runs read-only statements (separated by `;`) and answers each one's rows.
 * @param {Target} t
 * @param {string[]} statements
 * @returns {Record<string, unknown>[][]}
 */
export function query(t, statements) {
  const r = wrangler(t, ['d1', 'execute', 'DB', ...locationArgs(t), '--json', '--command', statements.join(';\n')]);
  if (!r.ok) throw new Error(`reading the D1 database failed: ${errorLine(r.stdout + r.stderr)}`);
  const parsed = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  return parsed.map((x) => x.results ?? []);
}

/**
 * Executes one SQL file; answers null when it went in, else the error.
 * @param {Target} t
 * @param {string} file
 * @returns {string | null}
 */
export function executeFile(t, file) {
  const r = wrangler(t, ['d1', 'execute', 'DB', ...locationArgs(t), '--yes', '--file', file]);
  return r.ok ? null : errorLine(r.stdout + r.stderr);
}
