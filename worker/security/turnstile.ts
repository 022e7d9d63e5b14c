/**
 * Cloudflare Turnstile, on when TURNSTILE_SITE_KEY and TURNSTILE_SECRET are both set. The page
 * renders the widget (its script from challenges.cloudflare.com), which puts a one-use token in
 * the form as `turnstile_token`; the server checks it with siteverify as Cloudflare documents:
 * a form POST of `secret`, `response` and `remoteip`, answered `{"success": true|false, ...}`.
 * Anything else (no token, a refusal, siteverify unreachable) answers 403 `captcha_failed`.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { Env } from '../env';
import { settingsOf } from '../env';
import { ApiError } from '../lib/errors';

export const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js';
export const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';
/** The form field the widget writes its token to (`data-response-field-name`). */
export const TURNSTILE_FIELD = 'turnstile_token';
const VERIFY_TIMEOUT_MS = 5000;

export interface TurnstileConfig {
  siteKey: string;
  secret: string;
  verifyUrl: string;
}

export function turnstileOf(env: Env): TurnstileConfig | null {
  const s = settingsOf(env);
  if (!s.TURNSTILE_SITE_KEY || !s.TURNSTILE_SECRET) return null;
  return { siteKey: s.TURNSTILE_SITE_KEY, secret: s.TURNSTILE_SECRET, verifyUrl: s.TURNSTILE_VERIFY_URL };
}

/** Whether siteverify accepts the token; any failure to ask counts as a refusal. */
export async function verifyTurnstile(cfg: TurnstileConfig, token: string, ip: string | null): Promise<boolean> {
  const form = new URLSearchParams({ secret: cfg.secret, response: token });
  if (ip) form.set('remoteip', ip);
  try {
    const res = await fetch(cfg.verifyUrl, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
    });
    if (!res.ok) return false;
    const answer: unknown = await res.json();
    return typeof answer === 'object' && answer !== null && 'success' in answer && answer.success === true;
  } catch {
    return false;
  }
}

/** Refuses the request (403 `captcha_failed`) unless Turnstile is off or the token passes. */
export async function requireCaptcha(c: Context<AppEnv>, token: string | null | undefined): Promise<void> {
  const cfg = turnstileOf(c.env);
  if (!cfg) return;
  const ip = c.req.header('cf-connecting-ip') ?? null;
  if (!token || !(await verifyTurnstile(cfg, token, ip))) {
    throw new ApiError(
      403,
      'captcha_failed',
      `${TURNSTILE_FIELD}: the human check failed or is missing; complete it and try again`,
    );
  }
}

/** The body field of a form that needs the check. */
export const Captcha = {
  turnstile_token: z
    .string()
    .max(4096)
    .nullable()
    .optional()
    .openapi({ description: 'Cloudflare Turnstile token (needed when Turnstile is set up)' }),
};
