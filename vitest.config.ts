import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { testBindings } from './test/test-bindings.ts';
// @ts-expect-error: plain ESM script without types
import { buildClient } from './scripts/build-client.mjs';

// The Worker is configured with [assets] in public/, which must exist before it starts.
await buildClient({ quiet: true });

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: './worker/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ...testBindings,
          TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'd1-migrations')),
          UPSTREAM_URL: inject('upstreamUrl'),
          STRIPE_API_BASE: inject('paymentsUrl'),
          EPAY_GATEWAY: `${inject('paymentsUrl')}/epay`,
          SMTP_URL: inject('smtpUrl'),
          SMTP_CONTROL_URL: inject('smtpControlUrl'),
        },
      },
    })),
  ],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/apply-migrations.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
