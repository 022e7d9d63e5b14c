/**
 * Two-factor sign-in: TOTP as RFC 6238 has it (HMAC-SHA-1, 30-second steps, 6 digits), which
 * every authenticator app speaks. The code is checked with the `otpauth` library; the secret is
 * kept sealed with ENCRYPTION_KEY, like upstream keys, and each accepted code's time step is
 * remembered so that no code works twice.
 */
import { Secret, TOTP } from 'otpauth';
import type { Env } from '../env';
import { settingsOf } from '../env';
import { dbOf } from '../db/client';
import { claimStep, savePendingSecret, totpOf } from '../db/totp';
import { seal, unseal } from '../lib/crypto';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Codes of the step before and after now are taken too: phone clocks drift. */
const WINDOW = 1;

const totpFor = (secretBase32: string, label = '', issuer = '') =>
  new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
  });

/** The code for a time (ms); for tests and the browser suite. */
export const codeAt = (secretBase32: string, ms: number): string => totpFor(secretBase32).generate({ timestamp: ms });

/** The time step a code belongs to (within the window around `now`), or null for a wrong code. */
export function stepOf(secretBase32: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(secretBase32);
  const delta = totp.validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

export interface NewSecret {
  secret: string;
  otpauth_url: string;
}

/**
 * A fresh secret (160 bits, as RFC 4226 recommends), pending until a code for it is given.
 * Answers null when the user has two-factor on already: it must be turned off first.
 */
export async function startSetup(
  env: Env,
  user: { id: number; username: string },
  issuer: string,
): Promise<NewSecret | null> {
  const secret = new Secret({ size: 20 }).base32;
  const sealed = await seal(secret, settingsOf(env).ENCRYPTION_KEY);
  if (!(await savePendingSecret(dbOf(env.DB), user.id, sealed, Date.now()))) return null;
  return { secret, otpauth_url: totpFor(secret, user.username, issuer).toString() };
}

export type CodeCheck = 'ok' | 'wrong' | 'none';

/**
 * Checks a user's code and uses up its time step. `enabling` checks against the pending secret
 * and turns it on; otherwise only an enabled secret counts ('none' when there is none).
 */
export async function useCode(env: Env, userId: number, code: string, enabling = false): Promise<CodeCheck> {
  const db = dbOf(env.DB);
  const row = await totpOf(db, userId);
  if (!row || (row.enabledAt === null) !== enabling) return 'none';
  const now = Date.now();
  const step = stepOf(await unseal(row.secretSealed, settingsOf(env).ENCRYPTION_KEY), code, now);
  if (step === null) return 'wrong';
  return (await claimStep(db, userId, step, enabling, now)) ? 'ok' : 'wrong';
}
