/** Self sign-up: a user made with an address that waits for confirmation. */
import { eq } from 'drizzle-orm';
import { isUniqueViolation, type Db } from './client';
import { users } from './schema';

export type SignupResult = { ok: true; id: number } | { ok: false; taken: 'username' | 'email' };

async function whichTaken(db: Db, username: string): Promise<'username' | 'email'> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return row ? 'username' : 'email';
}

export async function createSignupUser(db: Db, u: { username: string; passwordHash: string; email: string }, now: number): Promise<SignupResult> {
  try {
    const [row] = await db
      .insert(users)
      .values({ username: u.username, passwordHash: u.passwordHash, email: u.email, emailVerifiedAt: null, role: 'user', group: 'default', quota: 0, usedQuota: 0, status: 'enabled', createdAt: now, updatedAt: now })
      .returning({ id: users.id });
    return { ok: true, id: row.id };
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, taken: await whichTaken(db, u.username) };
    throw err;
  }
}
