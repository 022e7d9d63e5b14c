#!/usr/bin/env node
// `npm test`: every suite, in order. Unit and integration tests run inside workerd (vitest);
// end-to-end tests drive `npm start` with the official SDKs; browser tests drive Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const suites = [
  { name: 'fake upstream self-test', cmd: ['node', 'test/fake-upstream.selftest.mjs'] },
  { name: 'workers (vitest in workerd)', cmd: ['npx', 'vitest', 'run'] },
  { name: 'bundle size', cmd: ['node', 'scripts/check-bundle.mjs'] },
  { name: 'end-to-end (openai and anthropic SDKs against npm start)', cmd: ['node', 'scripts/e2e.mjs'] },
  { name: 'import from one-api / new-api (npm run import, then npm start)', cmd: ['node', '--test', '--test-concurrency=1', 'test/import/import.test.mjs'] },
  {
    name: 'browser (playwright-core + chromium)',
    cmd: ['node', 'scripts/browser-test.mjs'],
    // CI installs Chromium and must run these; a laptop without it is told so instead.
    skip: !existsSync(chromium) && process.env.CI !== 'true' ? `${chromium} not found (install Debian's chromium to run them)` : null,
  },
];

let passed = 0;
let failed = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  if (suite.skip) {
    console.log(`skipped: ${suite.skip}`);
    continue;
  }
  const result = spawnSync(suite.cmd[0], suite.cmd.slice(1), { cwd: root, env, stdio: 'inherit' });
  if (result.status === 0) passed++;
  else {
    failed++;
    console.log(`\n*** ${suite.name} failed (exit ${result.status ?? result.signal})`);
  }
}
console.log(`\nsuites: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
