#!/usr/bin/env node
// `npm run import -- <database> [--remote] [--dry-run] [--merge] [--with-logs] [--state <dir>] [--vars <file>]`
// Moves a one-api or new-api site (SQLite file or mysqldump) into the relay's D1: users with their
// bcrypt passwords and balances, the same sk- keys, channels, prices and unused codes. See docs/import.md.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './import/run.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'usage: npm run import -- <database> [--remote] [--dry-run] [--merge] [--with-logs] [--state <dir>] [--vars <file>] [--source <label>]';

/** @param {string[]} argv */
function parseArgs(argv) {
  const opts = {
    file: '',
    remote: false,
    dryRun: false,
    merge: false,
    withLogs: false,
    state: '',
    vars: '',
    source: '',
  };
  const flags = { '--remote': 'remote', '--dry-run': 'dryRun', '--merge': 'merge', '--with-logs': 'withLogs' };
  const values = { '--state': 'state', '--vars': 'vars', '--source': 'source' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a in flags) opts[flags[a]] = true;
    else if (a in values && argv[i + 1]) opts[values[a]] = argv[++i];
    else if (!a.startsWith('--') && !opts.file) opts.file = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!opts.file) throw new Error(USAGE);
  return opts;
}

/** ENCRYPTION_KEY and ADMIN_USERNAME: from the env file locally, from the environment with --remote. */
function settings(opts) {
  if (opts.remote)
    return { encryptionKey: process.env.ENCRYPTION_KEY ?? null, adminUsername: process.env.ADMIN_USERNAME || 'root' };
  const file = path.resolve(opts.vars || process.env.RELAY_VARS_FILE || path.join(root, '.dev.vars'));
  const vars = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) vars[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
    }
  }
  return {
    encryptionKey: vars.ENCRYPTION_KEY ?? process.env.ENCRYPTION_KEY ?? null,
    adminUsername: vars.ADMIN_USERNAME || 'root',
    varsFile: file,
  };
}

try {
  const opts = parseArgs(process.argv.slice(2));
  const stateDir = opts.state || process.env.RELAY_STATE_DIR;
  const target = { root, remote: opts.remote, stateDir: stateDir ? path.resolve(stateDir) : undefined };
  process.exitCode = await run({ ...opts, file: path.resolve(opts.file), target, ...settings(opts), root });
} catch (err) {
  console.error(`import: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
