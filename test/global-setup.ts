import type { TestProject } from 'vitest/node';
// @ts-expect-error: plain ESM script without types
import { startFakeUpstream } from '../scripts/fake-upstream.mjs';
// @ts-expect-error: plain ESM script without types
import { startFakePayments } from '../scripts/fake-payments.mjs';
// @ts-expect-error: plain ESM script without types
import { startFakeSmtp } from './support/smtp.mjs';
// @ts-expect-error: plain ESM script without types
import { startFakeTurnstile } from './support/turnstile.mjs';
// @ts-expect-error: plain ESM script without types
import { startPriceSource } from './support/price-source.mjs';

interface Closable {
  url: string;
  close(): Promise<void>;
}

/** Runs in Node: one fake upstream provider and one pair of fake payment gateways for the whole run, reached by workerd over loopback. */
export default async function setup(project: TestProject) {
  const upstream: Closable = await startFakeUpstream({ port: 0 });
  const payments: Closable & { stripeApiBase: string; epayGateway: string } = await startFakePayments({ port: 0 });
  project.provide('upstreamUrl', upstream.url);
  project.provide('paymentsUrl', payments.url);
  const smtp: { smtpUrl: string; controlUrl: string; close(): Promise<void> } = await startFakeSmtp();
  project.provide('smtpUrl', smtp.smtpUrl);
  project.provide('smtpControlUrl', smtp.controlUrl);
  // Turnstile's siteverify: only test/integration/turnstile.test.ts points the Worker at it (Turnstile is off elsewhere).
  const turnstile: Closable = await startFakeTurnstile({ port: 0 });
  project.provide('turnstileUrl', turnstile.url);
  // The public model table the price sync reads (test/integration/price-sync.test.ts).
  const priceSource: Closable = await startPriceSource({ port: 0 });
  project.provide('priceSourceUrl', priceSource.url);
  return async () => {
    await Promise.all([upstream.close(), payments.close(), smtp.close(), turnstile.close(), priceSource.close()]);
  };
}
