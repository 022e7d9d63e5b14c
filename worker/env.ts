import { z } from 'zod';
import type { MailMessage } from './mail/messages';

/** The resources wrangler.toml binds, typed by `wrangler types` (worker/bindings.d.ts; `npm run types`, checked current in CI). */
type ResourceBinding = 'DB' | 'KV' | 'TOKEN_GATE' | 'ACCOUNT' | 'CHANNEL_HEALTH' | 'NOTICE_TALLY' | 'SESSION_PINS';

/**
 * Bindings as wrangler passes them: the generated resources, plus variables and secrets, every
 * one optional (a secret the operator did not set is absent; settingsOf checks and defaults them).
 */
export interface Env extends Pick<Cloudflare.Env, ResourceBinding> {
  /** Notices to mail (worker/mail); absent where no queue is bound (then nothing is queued). */
  MAIL_QUEUE?: Queue<MailMessage>;
  SMTP_URL?: string;
  MAIL_FROM?: string;
  SMTP_TIMEOUT_MS?: string;
  MAIL_RETRY_MAX_SECONDS?: string;
  RETRY_ATTEMPTS?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  STREAM_IDLE_TIMEOUT_MS?: string;
  CHANNEL_FAILURE_THRESHOLD?: string;
  CHANNEL_COOLDOWN_SECONDS?: string;
  DEFAULT_COMPLETION_RESERVE?: string;
  LOG_RETENTION_DAYS?: string;
  MAINTENANCE_TIMEZONE?: string;
  MAX_BODY_BYTES?: string;
  ADMIN_USERNAME?: string;
  ADMIN_PASSWORD?: string;
  JWT_SECRET?: string;
  ENCRYPTION_KEY?: string;
  PUBLIC_BASE_URL?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_BASE?: string;
  EPAY_GATEWAY?: string;
  EPAY_PID?: string;
  EPAY_KEY?: string;
  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_SECRET?: string;
  TURNSTILE_VERIFY_URL?: string;
}

const intVar = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      if (!/^\d+$/.test(v.trim())) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Unset or blank is undefined. */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

const optionalUrl = optionalText
  .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: 'must be an http(s) URL' })
  .transform((v) => v?.replace(/\/+$/, ''));

const settingsSchema = z.object({
  RETRY_ATTEMPTS: intVar(1, 20, 3),
  UPSTREAM_TIMEOUT_MS: intVar(100, 600_000, 30_000),
  /** Each SMTP step (connect, greeting, a command, the message) gives up after this long. */
  SMTP_TIMEOUT_MS: intVar(100, 60_000, 15_000),
  /** The longest pause between two tries of a mail; at most a minute, so mail follows a recovery closely. */
  MAIL_RETRY_MAX_SECONDS: intVar(1, 60, 60),
  STREAM_IDLE_TIMEOUT_MS: intVar(1000, 3_600_000, 300_000),
  CHANNEL_FAILURE_THRESHOLD: intVar(1, 1000, 3),
  CHANNEL_COOLDOWN_SECONDS: intVar(0, 86_400, 60),
  DEFAULT_COMPLETION_RESERVE: intVar(0, 10_000_000, 1024),
  LOG_RETENTION_DAYS: intVar(0, 3650, 30),
  MAX_BODY_BYTES: intVar(1024, 100 * 1024 * 1024, 10 * 1024 * 1024),
  MAINTENANCE_TIMEZONE: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : 'Asia/Shanghai'))
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Asia/Shanghai' }),
  ADMIN_USERNAME: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : 'root')),
  ADMIN_PASSWORD: z.string({ error: 'must be set (at least 8 characters)' }).min(8, 'must be at least 8 characters'),
  JWT_SECRET: z.string({ error: 'must be set (at least 32 characters)' }).min(32, 'must be at least 32 characters'),
  ENCRYPTION_KEY: z
    .string({ error: 'must be set: 32 random bytes in base64 (openssl rand -base64 32)' })
    .refine(isAes256Key, {
      message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
    }),
  /** Where gateways send customers back and notices to; else the request's own origin. */
  PUBLIC_BASE_URL: optionalUrl,
  /** Stripe is on when both are set. */
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_API_BASE: optionalUrl.transform((v) => v ?? 'https://api.stripe.com'),
  /** The Epay aggregator is on when all three are set. */
  EPAY_GATEWAY: optionalUrl,
  EPAY_PID: optionalText,
  EPAY_KEY: optionalText,
  /** Mail is sent when set: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://...:465. */
  SMTP_URL: optionalText.refine((v) => v === undefined || /^smtps?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), {
    message: 'must be smtp://user:pass@host:port or smtps://...',
  }),
  MAIL_FROM: optionalText.transform((v) => v ?? 'LLM Relay <noreply@localhost>'),
  /**
   * Cloudflare Turnstile is on when both are set (worker/security/turnstile.ts): sign-up, password
   * reset, and a login after 3 failures from one IP then need a `turnstile_token`.
   */
  TURNSTILE_SITE_KEY: optionalText,
  TURNSTILE_SECRET: optionalText,
  /** Where tokens are checked: Cloudflare's siteverify unless set (tests point it at a local fake). */
  TURNSTILE_VERIFY_URL: optionalUrl.transform((v) => v ?? 'https://challenges.cloudflare.com/turnstile/v0/siteverify'),
});

function isAes256Key(v: string): boolean {
  try {
    return atob(v.trim()).length === 32;
  } catch {
    return false;
  }
}

export type Settings = z.output<typeof settingsSchema>;

export class SettingsError extends Error {}

// Parsed once per isolate; env objects are stable for an isolate's life.
let cached: { env: Env; settings: Settings } | undefined;

/** Parses the settings; a bad value throws an error naming the variable. */
export function settingsOf(env: Env): Settings {
  if (cached && cached.env === env) return cached.settings;
  const result = settingsSchema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new SettingsError(`Invalid settings: ${issues}`);
  }
  cached = { env, settings: result.data };
  return result.data;
}
