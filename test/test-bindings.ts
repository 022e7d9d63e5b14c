/** The settings the Worker under test runs with (vitest.config.ts passes them to miniflare). */
export const testBindings = {
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: 'root-password-for-tests',
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  // Short timeouts and cooldowns so failover and circuits can be driven quickly.
  UPSTREAM_TIMEOUT_MS: '1500',
  STREAM_IDLE_TIMEOUT_MS: '3000',
  CHANNEL_COOLDOWN_SECONDS: '1',
  CHANNEL_FAILURE_THRESHOLD: '3',
  RETRY_ATTEMPTS: '3',
};
