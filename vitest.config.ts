import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Settings for the Worker under test: short timeouts and cooldowns so failover and circuits
// can be driven quickly; real secrets are not needed.
export const testBindings = {
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: 'root-password-for-tests',
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  UPSTREAM_TIMEOUT_MS: '1500',
  CHANNEL_COOLDOWN_SECONDS: '1',
  CHANNEL_FAILURE_THRESHOLD: '3',
  RETRY_ATTEMPTS: '3',
};

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
