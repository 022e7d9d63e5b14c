/** Two-factor secrets: one row per user, pending until enabled. */
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './client';
import { userTotp } from './schema';

export type TotpRow = typeof userTotp.$inferSelect;

export async function totpOf(db: Db, userId: number): Promise<TotpRow | null> {
  const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, userId));
  return row ?? null;
}

/** Whether the user signs in with a second factor. */
export async function totpEnabled(db: Db, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ userId: userTotp.userId })
    .from(userTotp)
    .where(and(eq(userTotp.userId, userId), isNotNull(userTotp.enabledAt)));
  return row !== undefined;
}

/** A new pending secret, replacing a pending one; an enabled one is left alone (answers false). */
export async function savePendingSecret(db: Db, userId: number, secretSealed: string, now: number): Promise<boolean> {
  const rows = await db
    .insert(userTotp)
    .values({ userId, secretSealed, enabledAt: null, lastStep: null, createdAt: now })
    .onConflictDoUpdate({
      target: userTotp.userId,
      set: { secretSealed, lastStep: null, createdAt: now },
      setWhere: isNull(userTotp.enabledAt),
    })
    .returning({ userId: userTotp.userId });
  return rows.length === 1;
}

/**
 * Takes a time step for the user, only if it is later than any step used before: of two
 * requests with the same code one wins, and a code once used never works again.
 */
export async function claimStep(db: Db, userId: number, step: number, enable: boolean, now: number): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set(enable ? { lastStep: step, enabledAt: now } : { lastStep: step })
    .where(and(eq(userTotp.userId, userId), or(isNull(userTotp.lastStep), lt(userTotp.lastStep, step))))
    .returning({ userId: userTotp.userId });
  return rows.length === 1;
}

export async function deleteTotp(db: Db, userId: number): Promise<void> {
  await db.delete(userTotp).where(eq(userTotp.userId, userId));
}
