/**
 * Changing a user's address: it needs the current password, and the new address only waits
 * (`pending_email`) until the link mailed to it is opened; the old one keeps receiving mail.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { dbOf } from '../db/client';
import { emailTaken, setEmail, setPendingEmail } from '../db/addresses';
import { countAttempts, forgiveAttempt } from '../db/logins';
import type { MailTarget } from '../db/notify';
import { passwordHashOf } from '../db/users';
import { verifyPassword } from '../lib/crypto';
import { ApiError, conflict } from '../lib/errors';
import { requestLinkBase } from '../mail/base';

/** Wrong current passwords a session may send in 15 minutes: a stolen session cannot guess the password here. */
const WRONG_PER_WINDOW = 8;
const WINDOW_MS = 15 * 60_000;

/** 400 naming `current_password` unless it is given and right; 429 after too many wrong ones. */
export async function requireCurrentPassword(
  c: Context<AppEnv>,
  userId: number,
  password: string | undefined,
): Promise<void> {
  if (!password) throw new ApiError(400, 'invalid_request', 'current_password: needed to change the email address');
  const db = dbOf(c.env.DB);
  const now = Date.now();
  const key = `current-password:${userId}`;
  const [count] = await countAttempts(db, [key], now, WINDOW_MS);
  if (count && count.attempts > WRONG_PER_WINDOW) {
    const retry = Math.max(1, Math.ceil((count.firstAt + WINDOW_MS - now) / 1000));
    throw new ApiError(429, 'too_many_attempts', 'too many wrong passwords; try again later', {
      'retry-after': String(retry),
    });
  }
  const hash = await passwordHashOf(db, userId);
  if (!hash || !(await verifyPassword(password, hash)))
    throw new ApiError(400, 'invalid_request', 'current_password: does not match');
  await forgiveAttempt(db, key, [key]);
}

/** Applies `email` from a settings change: null removes the address, a new one is mailed a confirmation link. */
export async function changeEmail(
  c: Context<AppEnv>,
  before: MailTarget,
  email: string | null,
  password: string | undefined,
): Promise<void> {
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
  await c.env.MAIL_QUEUE?.send({
    type: 'verify',
    key: `verify:${before.userId}:${now}`,
    userId: before.userId,
    email,
    base: requestLinkBase(c),
  });
}
