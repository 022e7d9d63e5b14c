/**
 * Users' addresses. `email` is always a confirmed address and `email_norm` its mailbox (unique);
 * a new address waits in `pending_email` until its link is opened, and reserves nothing meanwhile.
 */
import { and, eq, gt, isNotNull, ne } from 'drizzle-orm';
import { isUniqueViolation, type Db } from './client';
import { mailboxOf } from './mailbox';
import { signupBonuses, users } from './schema';

/** How long an unconfirmed address (and its link) lives. */
export const PENDING_EMAIL_MS = 24 * 3600_000;

/** The pending address while it lives; null once expired. */
export const livePending = (email: string | null, at: number | null, now = Date.now()): string | null =>
  email !== null && at !== null && at > now - PENDING_EMAIL_MS ? email : null;

/** Sets (or clears) a user's confirmed address at once, dropping any pending one. False when another user has the mailbox. */
export async function setEmail(db: Db, userId: number, email: string | null, now: number): Promise<boolean> {
  try {
    await db
      .update(users)
      .set({
        email,
        emailNorm: email === null ? null : mailboxOf(email),
        emailVerifiedAt: email === null ? null : now,
        pendingEmail: null,
        pendingEmailAt: null,
        updatedAt: now,
      })
      .where(eq(users.id, userId));
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** Sets (or with null drops) the address waiting for confirmation. */
export async function setPendingEmail(db: Db, userId: number, email: string | null, now: number): Promise<void> {
  await db
    .update(users)
    .set({ pendingEmail: email, pendingEmailAt: email === null ? null : now, updatedAt: now })
    .where(eq(users.id, userId));
}

/** Whether another user's confirmed address reaches the same mailbox. */
export async function emailTaken(db: Db, email: string, exceptUserId: number | null): Promise<boolean> {
  const where = and(
    eq(users.emailNorm, mailboxOf(email)),
    exceptUserId === null ? undefined : ne(users.id, exceptUserId),
  );
  const [row] = await db.select({ id: users.id }).from(users).where(where);
  return row !== undefined;
}

/** The enabled user whose confirmed address reaches this mailbox (password reset). */
export async function userByVerifiedEmail(db: Db, email: string): Promise<number | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.emailNorm, mailboxOf(email)), isNotNull(users.emailVerifiedAt), eq(users.status, 'enabled')));
  return row?.id ?? null;
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'mismatch' | 'taken';

/**
 * Opening a confirmation link: the pending address, if it is still the one the link names and has
 * not expired, becomes the confirmed one. 'taken' when another user confirmed the mailbox first.
 */
export async function confirmEmail(db: Db, userId: number, email: string, now: number): Promise<ConfirmOutcome> {
  try {
    const rows = await db
      .update(users)
      .set({
        email,
        emailNorm: mailboxOf(email),
        emailVerifiedAt: now,
        pendingEmail: null,
        pendingEmailAt: null,
        signupUnverified: false,
        updatedAt: now,
      })
      .where(and(eq(users.id, userId), eq(users.pendingEmail, email), gt(users.pendingEmailAt, now - PENDING_EMAIL_MS)))
      .returning({ id: users.id });
    if (rows.length > 0) return 'confirmed';
  } catch (err) {
    if (isUniqueViolation(err)) return 'taken';
    throw err;
  }
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email === email ? 'already' : 'mismatch';
}

/** Whether the user signed up and has not yet confirmed the address (login answers 403 `email_unverified`). */
export async function hasUnverifiedEmail(db: Db, userId: number): Promise<boolean> {
  const [row] = await db.select({ pending: users.signupUnverified }).from(users).where(eq(users.id, userId));
  return row?.pending === true;
}

/**
 * Whether the mailbox's one sign-up bonus is the user's; with `claim`, first takes it if nobody has.
 * Answering true again for its owner lets a retried confirmation finish a credit a crash interrupted.
 */
export async function signupBonusIsTheirs(
  db: Db,
  email: string,
  userId: number,
  claim: boolean,
  now: number,
): Promise<boolean> {
  const mailbox = mailboxOf(email);
  if (claim) await db.insert(signupBonuses).values({ mailbox, userId, createdAt: now }).onConflictDoNothing();
  const [row] = await db
    .select({ userId: signupBonuses.userId })
    .from(signupBonuses)
    .where(eq(signupBonuses.mailbox, mailbox));
  return row?.userId === userId;
}
