/**
 * Changing a user's address: it needs the current password, and the new address only waits
 * (`pending_email`) until the link mailed to it is opened; the old one keeps receiving mail.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { dbOf } from '../db/client';
import { emailTaken, setEmail, setPendingEmail } from '../db/addresses';
import type { MailTarget } from '../db/notify';
import { passwordHashOf } from '../db/users';
import { verifyPassword } from '../lib/crypto';
import { ApiError, conflict } from '../lib/errors';
import { requestLinkBase } from '../mail/base';

/** 400 naming `current_password` unless it is given and right. */
export async function requireCurrentPassword(c: Context<AppEnv>, userId: number, password: string | undefined): Promise<void> {
  if (!password) throw new ApiError(400, 'invalid_request', 'current_password: needed to change the email address');
  const hash = await passwordHashOf(dbOf(c.env.DB), userId);
  if (!hash || !(await verifyPassword(password, hash))) throw new ApiError(400, 'invalid_request', 'current_password: does not match');
}

/** Applies `email` from a settings change: null removes the address, a new one is mailed a confirmation link. */
export async function changeEmail(c: Context<AppEnv>, before: MailTarget, email: string | null, password: string | undefined): Promise<void> {
  const db = dbOf(c.env.DB);
  const now = Date.now();
  // Back to the confirmed address: nothing changes but that the pending one is dropped.
  if (email !== null && email === before.email) {
    if (before.pendingEmail !== null) await setPendingEmail(db, before.userId, null, now);
    return;
  }
  if (email === null && before.email === null && before.pendingEmail === null) return;
  await requireCurrentPassword(c, before.userId, password);
  if (email === null) {
    await setEmail(db, before.userId, null, now);
    return;
  }
  if (await emailTaken(db, email, before.userId)) throw conflict('email: another account uses this address');
  await setPendingEmail(db, before.userId, email, now);
  await c.env.MAIL_QUEUE?.send({ type: 'verify', key: `verify:${before.userId}:${now}`, userId: before.userId, email, base: requestLinkBase(c) });
}
