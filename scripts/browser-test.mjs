#!/usr/bin/env node
// Browser tests of the dashboard: starts the fake upstream and the relay (as `npm start` does, on a
// throwaway state directory), seeds them through the JSON API, then drives Debian's chromium with
// playwright-core through the scenarios in test/browser/scenarios.mjs. Loopback only.
//
//   node scripts/browser-test.mjs          screenshots in test-results/browser/*.png
//   CHROMIUM_PATH=/path/to/chrome node scripts/browser-test.mjs
//
// Prints "N passed, M failed" last and exits non-zero on any failure.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRelay } from './lib/relay-process.mjs';
import { startFakeUpstream } from './fake-upstream.mjs';
import { FAKE_EPAY, FAKE_STRIPE, startFakePayments } from './fake-payments.mjs';
import { createRunner, launchBrowser, newSession } from '../test/browser/harness.mjs';
import { seed } from '../test/browser/seed.mjs';
import { defineScenarios } from '../test/browser/scenarios.mjs';
import { defineTopupScenarios } from '../test/browser/payments.mjs';
import { defineMailScenarios } from '../test/browser/mail.mjs';
import { defineSafetyScenarios } from '../test/browser/safety.mjs';
import { defineGrowthScenarios } from '../test/browser/growth.mjs';
import { startFakeSmtp } from '../test/support/smtp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test-results', 'browser');
// The README's screenshot is only rewritten on request (UPDATE_DOCS_SCREENSHOT=1), so a test run
// leaves the work tree as it was.
const docsShot = process.env.UPDATE_DOCS_SCREENSHOT
  ? path.join(root, 'docs', 'screenshot-overview.png')
  : path.join(outDir, 'overview-en-usd-readme.png');

async function main() {
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    console.error(`No chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  mkdirSync(path.dirname(docsShot), { recursive: true });

  const cleanups = [];
  try {
    const upstream = await startFakeUpstream({ port: 0 });
    cleanups.push(() => upstream.close());
    const payments = await startFakePayments({ port: 0 });
    cleanups.push(() => payments.close());
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const port = 8790 + Math.floor(Math.random() * 800);
    const relay = await startRelay({
      quiet: true,
      port,
      vars: {
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SMTP_URL: smtp.smtpUrl,
        MAIL_FROM: 'LLM Relay <noreply@relay.test>',
        STRIPE_API_BASE: payments.stripeApiBase,
        STRIPE_SECRET_KEY: FAKE_STRIPE.secretKey,
        STRIPE_WEBHOOK_SECRET: FAKE_STRIPE.webhookSecret,
        EPAY_GATEWAY: payments.epayGateway,
        EPAY_PID: FAKE_EPAY.pid,
        EPAY_KEY: FAKE_EPAY.key,
      },
    });
    cleanups.push(() => relay.stop());
    console.log(`relay on ${relay.url}, fake upstream on ${upstream.url}`);

    const seeded = await seed(relay.url, relay.admin, upstream.url);
    console.log(
      `seeded: customer #${seeded.customer.id}, channel #${seeded.channel.id}, ${seeded.calls.length} relay calls`,
    );

    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const anon = await newSession(browser, relay.url, 'anonymous');
    const customer = await newSession(browser, relay.url, 'customer');
    const operator = await newSession(browser, relay.url, 'operator');
    const payer = await newSession(browser, relay.url, 'payer');
    const cashier = await newSession(browser, relay.url, 'cashier');
    const visitor = await newSession(browser, relay.url, 'visitor');
    const guard = await newSession(browser, relay.url, 'guard');
    const buyer = await newSession(browser, relay.url, 'buyer');
    const friend = await newSession(browser, relay.url, 'friend');

    const runner = createRunner(outDir);
    const shotPath = (name) => path.join(outDir, `extra-${name}.png`);
    defineScenarios(runner, {
      base: relay.url,
      adminCreds: relay.admin,
      seeded,
      anon,
      customer,
      operator,
      docsShot,
      shotPath,
    });
    defineTopupScenarios(runner, { base: relay.url, adminCreds: relay.admin, payer, cashier, shotPath });
    defineMailScenarios(runner, {
      base: relay.url,
      adminCreds: relay.admin,
      visitor,
      payer,
      operator: cashier,
      smtp,
      shotPath,
    });
    defineSafetyScenarios(runner, { base: relay.url, adminCreds: relay.admin, guard, shotPath });
    defineGrowthScenarios(runner, { base: relay.url, adminCreds: relay.admin, buyer, friend, shotPath });
    console.log('browser scenarios:');
    const { passed, failed } = await runner.run();
    if (failed && process.env.RELAY_DEBUG) console.log(relay.output().slice(-4000));
    console.log(`screenshots in ${path.relative(root, outDir)}/`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  } catch (err) {
    console.error(err?.stack || err);
    console.log('0 passed, 1 failed');
    return 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep stopping the rest
      }
    }
  }
}

process.exitCode = await main();
