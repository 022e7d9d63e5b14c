// A small test harness for the browser tests: named steps run in order, console errors fail the
// step they happen in, and every step leaves a screenshot behind.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected)
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** The dashboard's money format: exact to the unit below $1000 (six decimals, zeros trimmed to two). */
export function dollars(units, rate = 1, sign = '$') {
  const value = (units / 500000) * rate;
  const text = Math.abs(value) < 1000 ? value.toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1') : value.toFixed(2);
  const [whole, frac] = text.split('.');
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * A browser context whose pages report console errors, uncaught exceptions and failed requests
 * into `errors`, and which is never allowed to reach anything but the relay on 127.0.0.1.
 */
export async function newSession(browser, baseURL, label) {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  const errors = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:') {
      errors.push(`[${label}] blocked off-host request to ${url.href}`);
      return route.abort();
    }
    return route.continue();
  });
  const watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`[${label}] console error on ${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`[${label}] page error on ${page.url()}: ${err.message}`));
    page.on('dialog', (dialog) => dialog.accept());
  };
  context.on('page', watch);
  const page = await context.newPage();
  return { context, page, errors, label };
}

export function createRunner(outDir) {
  mkdirSync(outDir, { recursive: true });
  const steps = [];
  let passed = 0;
  let failed = 0;
  let n = 0;
  return {
    step(name, session, fn) {
      steps.push({ name, session, fn });
    },
    async run() {
      for (const { name, session, fn } of steps) {
        n += 1;
        const s = typeof session === 'function' ? session() : session;
        const before = s.errors.length;
        const started = Date.now();
        let error = null;
        try {
          await fn(s);
        } catch (err) {
          error = err;
        }
        const fresh = s.errors.slice(before);
        if (!error && fresh.length) error = new Error(`console errors:\n    ${fresh.join('\n    ')}`);
        const file = path.join(
          outDir,
          `${String(n).padStart(2, '0')}-${name
            .replace(/[^a-z0-9]+/gi, '-')
            .replace(/^-|-$/g, '')
            .toLowerCase()}.png`,
        );
        try {
          await s.page.screenshot({ path: file, fullPage: true });
        } catch {
          // the page may be gone after a failure
        }
        const ms = Date.now() - started;
        if (error) {
          failed += 1;
          console.log(
            `  ✗ ${name} (${ms} ms)\n    ${String(error.stack || error)
              .split('\n')
              .slice(0, 6)
              .join('\n    ')}`,
          );
        } else {
          passed += 1;
          console.log(`  ✓ ${name} (${ms} ms)`);
        }
      }
      return { passed, failed };
    },
  };
}
