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
  // The fake gateways' secrets (scripts/fake-payments.mjs); their URLs come from the global setup.
  PUBLIC_BASE_URL: 'http://relay.test',
  STRIPE_SECRET_KEY: 'sk_test_fake_relay',
  STRIPE_WEBHOOK_SECRET: 'whsec_fake_relay_secret',
  EPAY_PID: '1001',
  EPAY_KEY: 'epay-merchant-key-for-tests',
  // The fake SMTP server's URL comes from the global setup (test/support/smtp.mjs).
  MAIL_FROM: 'LLM Relay <noreply@relay.test>',
  // A hung mail server is noticed within a second and tried again every two (mail-hung.test.ts).
  SMTP_TIMEOUT_MS: '1000',
  MAIL_RETRY_MAX_SECONDS: '2',
};
