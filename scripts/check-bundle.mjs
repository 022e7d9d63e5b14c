#!/usr/bin/env node
// Builds the production bundle offline (`wrangler deploy --dry-run`) and checks it fits the
// Workers Free plan: at most 3 MiB gzipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(path.join(tmpdir(), 'relay-bundle-'));
const LIMIT = 3 * 1024 * 1024;
const build = spawnSync(path.join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});
if (build.status !== 0) {
  console.error(build.stdout, build.stderr);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
let raw = 0;
let gz = 0;
for (const f of readdirSync(out)) {
  const p = path.join(out, f);
  if (!statSync(p).isFile() || f.endsWith('.map')) continue;
  const bytes = readFileSync(p);
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
rmSync(out, { recursive: true, force: true });
const mib = (n) => (n / 1024 / 1024).toFixed(2);
const ok = gz <= LIMIT;
console.log(`bundle: ${mib(raw)} MiB raw, ${mib(gz)} MiB gzipped (limit 3 MiB): ${ok ? 'ok' : 'TOO LARGE'}`);
console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
process.exit(ok ? 0 : 1);
