#!/usr/bin/env node
// `npm test`: every suite. Unit and integration tests run inside workerd (vitest); end-to-end
// tests drive `npm start` with the official SDKs; browser tests drive Chromium.
//
// Two lanes run side by side, one per core: vitest in one, the suites that start their own relays
// (each on its own port and throwaway state) one after another in the other. They share no state.
// Each suite's output is printed whole when it ends, so the two lanes' lines do not interleave.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', FORCE_COLOR: '0' };
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const lanes = [
  [
    { name: 'fake upstream self-test', cmd: ['node', 'test/fake-upstream.selftest.mjs'] },
    { name: 'workers (vitest in workerd)', cmd: ['npx', 'vitest', 'run'] },
  ],
  [
    { name: 'bundle size', cmd: ['node', 'scripts/check-bundle.mjs'] },
    { name: 'end-to-end (openai and anthropic SDKs against npm start)', cmd: ['node', 'scripts/e2e.mjs'] },
    {
      name: 'import from one-api / new-api (npm run import, then npm start)',
      cmd: ['node', '--test', '--test-concurrency=1', 'test/import/import.test.mjs'],
    },
    {
      name: 'browser (playwright-core + chromium)',
      cmd: ['node', 'scripts/browser-test.mjs'],
      // CI installs Chromium and must run these; a laptop without it is told so instead.
      skip:
        !existsSync(chromium) && process.env.CI !== 'true'
          ? `${chromium} not found (install Debian's chromium to run them)`
          : null,
    },
  ],
];

function run(suite) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(suite.cmd[0], suite.cmd.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      process.stdout.write(`\n=== ${suite.name} (${seconds} s) ===\n`);
      process.stdout.write(Buffer.concat(chunks));
      if (code !== 0) process.stdout.write(`\n*** ${suite.name} failed (exit ${code ?? signal})\n`);
      resolve(code === 0);
    });
  });
}

async function runLane(suites) {
  const results = [];
  for (const suite of suites) {
    if (suite.skip) {
      process.stdout.write(`\n=== ${suite.name} ===\nskipped: ${suite.skip}\n`);
      continue;
    }
    results.push(await run(suite));
  }
  return results;
}

const started = Date.now();
const results = (await Promise.all(lanes.map(runLane))).flat();
const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`\nall suites in ${((Date.now() - started) / 60000).toFixed(1)} min`);
console.log(`suites: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
