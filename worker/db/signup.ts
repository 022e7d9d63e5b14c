/** Self sign-up: a user made with an address that waits for confirmation (it reserves nothing meanwhile). */
import { isUniqueViolation, type Db } from './client';
import { users } from './schema';

export type SignupResult = { ok: true; id: number } | { ok: false; taken: 'username' };

/** `invite`: who invited the new user (worker/referrals); `void` when it was a self-referral, which earns nothing. */
export interface SignupInvite {
  invitedBy: number;
  void: boolean;
}

export async function createSignupUser(
  db: Db,
  u: { username: string; passwordHash: string; email: string; ip: string | null; invite: SignupInvite | null },
  now: number,
): Promise<SignupResult> {
  try {
    const [row] = await db
      .insert(users)
      .values({
        username: u.username,
        passwordHash: u.passwordHash,
        email: null,
        emailVerifiedAt: null,
        pendingEmail: u.email,
        pendingEmailAt: now,
        signupUnverified: true,
        role: 'user',
        group: 'default',
        quota: 0,
        usedQuota: 0,
        status: 'enabled',
        createdAt: now,
        updatedAt: now,
        signupIp: u.ip,
        invitedBy: u.invite?.invitedBy ?? null,
        inviteVoid: u.invite?.void ?? false,
      })
      .returning({ id: users.id });
    return { ok: true, id: row.id };
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, taken: 'username' };
    throw err;
  }
}
