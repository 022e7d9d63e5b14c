#!/usr/bin/env node
// `npm run test:e2e`: end-to-end tests with the official OpenAI and Anthropic SDKs.
//
// Starts the fake upstream and one relay (as `npm start` does, on a throwaway state directory),
// hands their addresses and the admin login to `node --test test/e2e/` through the environment,
// then stops both and exits with the test run's code. Everything stays on 127.0.0.1.
//
//   node scripts/e2e.mjs                    # all e2e tests
//   node scripts/e2e.mjs test/e2e/chat.test.mjs   # some files only
//   RELAY_DEBUG=1 node scripts/e2e.mjs      # also show wrangler's output
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeUpstream } from './fake-upstream.mjs';
import { startRelay } from './lib/relay-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Keep miniflare from fetching the Request.cf object from workers.cloudflare.com.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

const files = process.argv.slice(2);
const started = Date.now();
const upstream = await startFakeUpstream({ port: 0 });
let relay;
let code = 1;
try {
  relay = await startRelay({
    vars: {
      UPSTREAM_TIMEOUT_MS: '2000',
      CHANNEL_COOLDOWN_SECONDS: '1',
    },
  });
  console.log(
    `e2e: relay ${relay.url}, fake upstream ${upstream.url} (up in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );

  const child = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...(files.length ? files : ['test/e2e/'])],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        RELAY_URL: relay.url,
        UPSTREAM_URL: upstream.url,
        RELAY_ADMIN_USER: relay.admin.username,
        RELAY_ADMIN_PASSWORD: relay.admin.password,
      },
    },
  );
  const stopChild = (signal) => child.kill(signal);
  process.on('SIGINT', stopChild);
  process.on('SIGTERM', stopChild);
  code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  // `npm start` must never restart the Worker by itself: a restart cuts every request in flight.
  const restart = /restarting build|restarted mid-request|Reloading local server/.exec(relay.output());
  if (restart) {
    console.log(`e2e: FAILED: the relay restarted during the run ("${restart[0]}" in wrangler's output)`);
    code = 1;
  } else console.log('e2e: the relay ran the whole suite without a restart');
  if (code !== 0 && process.env.RELAY_DEBUG !== '1') {
    const tail = relay.output().split('\n').slice(-60).join('\n');
    console.log(`\n--- last lines of the relay's output ---\n${tail}`);
  }
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  await relay?.stop();
  await upstream.close();
}
console.log(`e2e: finished in ${((Date.now() - started) / 1000).toFixed(1)} s with exit code ${code}`);
process.exit(code);
