/**
 * The operator's `security.admin_totp_required` option: an admin without two-factor sign-in is
 * then refused everywhere but /api/auth/* (where they can turn it on) with 403 `totp_required`.
 */
import { z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { dbOf } from '../db/client';
import { optionValue } from '../db/options';
import { totpEnabled } from '../db/totp';
import { ApiError } from '../lib/errors';

export const SecurityOptions = z.object({
  /** Admins must sign in with a second factor; until they turn it on, only /api/auth/* answers them. */
  admin_totp_required: z.boolean(),
});
export type SecurityOptions = z.infer<typeof SecurityOptions>;
export const DEFAULT_SECURITY: SecurityOptions = { admin_totp_required: false };

export async function securityOptions(env: Env): Promise<SecurityOptions> {
  const parsed = SecurityOptions.partial().safeParse(await optionValue(dbOf(env.DB), 'security'));
  return { ...DEFAULT_SECURITY, ...(parsed.success ? parsed.data : {}) };
}

/** Whether this admin is held back by the option. */
export async function adminTotpMissing(env: Env, userId: number): Promise<boolean> {
  if (!(await securityOptions(env)).admin_totp_required) return false;
  return !(await totpEnabled(dbOf(env.DB), userId));
}

/** Paths an admin held back may still use: their session, and turning two-factor on. */
const stillOpen = (path: string) => path.startsWith('/api/auth/');

export async function enforceAdminTotp(env: Env, session: { id: number; role: string }, path: string): Promise<void> {
  if (session.role !== 'admin' || stillOpen(path)) return;
  if (await adminTotpMissing(env, session.id)) {
    throw new ApiError(
      403,
      'totp_required',
      'the operator requires two-factor sign-in for administrators: turn it on (POST /api/auth/totp/setup, then /enable) first',
    );
  }
}
