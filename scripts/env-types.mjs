#!/usr/bin/env node
// Generates worker/bindings.d.ts from wrangler.toml with `wrangler types` (`--check`: fails when
// it is out of date, as CI runs it). The file holds the bindings wrangler.toml declares; a local
// .dev.vars is set aside meanwhile, so its secrets never end up in the checked-in file.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const devVars = path.join(root, '.dev.vars');
const aside = path.join(root, '.dev.vars.aside');
const args = [
  'wrangler',
  'types',
  'worker/bindings.d.ts',
  '--include-runtime=false',
  '--strict-vars=false',
  ...process.argv.slice(2),
];
const hadVars = existsSync(devVars);
if (hadVars) renameSync(devVars, aside);
let status = 1;
try {
  status =
    spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
      .status ?? 1;
} finally {
  if (hadVars) renameSync(aside, devVars);
}
process.exit(status);
