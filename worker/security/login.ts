/**
 * What the login handler (worker/api/auth.ts) asks beyond the password: a Turnstile token once
 * an IP has failed 3 times, and the second factor of a user who turned it on.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { Captcha, requireCaptcha } from './turnstile';
import { useCode } from './totp';

/** Failed logins from one IP after which each further login needs a Turnstile token. */
const CAPTCHA_AFTER_FAILURES = 3;

/** The login body's fields for these checks. */
export const LoginSecurityFields = {
  totp: z
    .string()
    .max(16)
    .optional()
    .openapi({ description: 'The 6-digit code of an authenticator app, for a user who turned two-factor sign-in on' }),
  ...Captcha,
};

/**
 * Before the password is checked. `counts` are the attempt counts of the login handler, this
 * attempt included; a successful login takes its own attempt back, so the rest are failures.
 */
export async function loginCaptcha(
  c: Context<AppEnv>,
  counts: { key: string; attempts: number }[],
  ipKey: string,
  token: string | null | undefined,
): Promise<void> {
  const attempts = counts.find((k) => k.key === ipKey)?.attempts ?? 0;
  if (attempts - 1 >= CAPTCHA_AFTER_FAILURES) await requireCaptcha(c, token);
}

/** After the password matched: a user with two-factor on must give a code not used before (401 otherwise). */
export async function loginSecondFactor(c: Context<AppEnv>, userId: number, code: string | undefined): Promise<void> {
  const check = await useCode(c.env, userId, code ?? '');
  if (check === 'none') return;
  if (!code)
    throw new ApiError(401, 'totp_required', 'totp: this account signs in with a two-factor code; send it as `totp`');
  if (check === 'wrong')
    throw new ApiError(401, 'unauthorized', 'totp: the code is wrong, expired or was used already');
}
