import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { settingsOf, SettingsError, type Env } from '../../worker/env';

// The test worker's own resources, but none of its variables: those are the test's to choose.
const { DB, KV, TOKEN_GATE, ACCOUNT, CHANNEL_HEALTH, NOTICE_TALLY, SESSION_PINS } = env;
const good: Env = {
  DB,
  KV,
  TOKEN_GATE,
  ACCOUNT,
  CHANNEL_HEALTH,
  NOTICE_TALLY,
  SESSION_PINS,
  ADMIN_PASSWORD: 'password-123',
  JWT_SECRET: 'x'.repeat(32),
  ENCRYPTION_KEY: btoa('k'.repeat(32)),
};

describe('settings', () => {
  it('fills in the contract defaults', () => {
    const s = settingsOf({ ...good });
    expect(s).toMatchObject({
      RETRY_ATTEMPTS: 3,
      UPSTREAM_TIMEOUT_MS: 30_000,
      CHANNEL_FAILURE_THRESHOLD: 3,
      CHANNEL_COOLDOWN_SECONDS: 60,
      DEFAULT_COMPLETION_RESERVE: 1024,
      LOG_RETENTION_DAYS: 30,
      MAINTENANCE_TIMEZONE: 'Asia/Shanghai',
      MAX_BODY_BYTES: 10_485_760,
      ADMIN_USERNAME: 'root',
    });
  });

  it('refuses a bad value with a message naming the variable', () => {
    const cases: [Partial<Env>, RegExp][] = [
      [{ RETRY_ATTEMPTS: 'three' }, /RETRY_ATTEMPTS/],
      [{ UPSTREAM_TIMEOUT_MS: '-5' }, /UPSTREAM_TIMEOUT_MS/],
      [{ LOG_RETENTION_DAYS: '1.5' }, /LOG_RETENTION_DAYS/],
      [{ MAINTENANCE_TIMEZONE: 'Mars/Olympus' }, /MAINTENANCE_TIMEZONE/],
      [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
      [{ ENCRYPTION_KEY: 'not-base64-32-bytes' }, /ENCRYPTION_KEY/],
      [{ ADMIN_PASSWORD: undefined }, /ADMIN_PASSWORD must be set/],
    ];
    for (const [patch, message] of cases) {
      const bad: Env = { ...good, ...patch };
      expect(() => settingsOf(bad)).toThrow(SettingsError);
      expect(() => settingsOf(bad)).toThrow(message);
    }
  });
});
