/** Referrals: invite codes, who invited whom, the rebate history and withdrawal requests. */
import { and, count, desc, eq, isNull, lt, type SQL } from 'drizzle-orm';
import { isUniqueViolation, type Db } from './client';
import { rebates, users, withdrawals } from './schema';

export type RebateRow = typeof rebates.$inferSelect;
export type WithdrawalRow = typeof withdrawals.$inferSelect;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newInviteCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** The user's invite code, made on first asking (a race keeps the first one written). */
export async function inviteCodeOf(db: Db, userId: number): Promise<string> {
  for (let tries = 0; tries < 5; tries++) {
    const [row] = await db.select({ code: users.inviteCode }).from(users).where(eq(users.id, userId));
    if (!row) throw new Error(`no user ${userId}`);
    if (row.code) return row.code;
    try {
      await db
        .update(users)
        .set({ inviteCode: newInviteCode() })
        .where(and(eq(users.id, userId), isNull(users.inviteCode)));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new Error('could not make an invite code');
}

/** The inviter a code names, with what self-referral is judged by. */
export async function inviterByCode(db: Db, code: string) {
  const [row] = await db
    .select({ id: users.id, emailNorm: users.emailNorm, pendingEmail: users.pendingEmail, signupIp: users.signupIp })
    .from(users)
    .where(eq(users.inviteCode, code.trim().toUpperCase()));
  return row ?? null;
}

/** Who invited the user, and whether that invite earns nothing. */
export async function inviterOf(
  db: Db,
  userId: number,
): Promise<{ invitedBy: number | null; inviteVoid: boolean } | null> {
  const [row] = await db
    .select({ invitedBy: users.invitedBy, inviteVoid: users.inviteVoid })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

export async function invitedCount(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.invitedBy, userId));
  return row?.n ?? 0;
}

export async function rebateHistory(db: Db, userId: number, limit: number): Promise<RebateRow[]> {
  return db.select().from(rebates).where(eq(rebates.userId, userId)).orderBy(desc(rebates.id)).limit(limit);
}

export async function insertWithdrawal(db: Db, w: typeof withdrawals.$inferInsert): Promise<void> {
  await db.insert(withdrawals).values(w).onConflictDoNothing();
}

export async function withdrawalById(db: Db, id: string): Promise<WithdrawalRow | null> {
  const [row] = await db.select().from(withdrawals).where(eq(withdrawals.id, id));
  return row ?? null;
}

/** Records the account object's decision (it is the authority; this mirrors it). */
export async function recordDecision(
  db: Db,
  id: string,
  d: { status: 'approved' | 'rejected'; by: number; note: string | null },
  now: number,
): Promise<WithdrawalRow | null> {
  await db
    .update(withdrawals)
    .set({ status: d.status, decidedAt: now, decidedBy: d.by, note: d.note })
    .where(and(eq(withdrawals.id, id), eq(withdrawals.status, 'pending')));
  return withdrawalById(db, id);
}

export async function withdrawalsPage(
  db: Db,
  f: { userId: number | null; status?: WithdrawalRow['status']; before?: number; limit: number },
): Promise<WithdrawalRow[]> {
  const where: (SQL | undefined)[] = [
    f.userId === null ? undefined : eq(withdrawals.userId, f.userId),
    f.status === undefined ? undefined : eq(withdrawals.status, f.status),
    f.before === undefined ? undefined : lt(withdrawals.createdAt, f.before),
  ];
  return db
    .select()
    .from(withdrawals)
    .where(and(...where))
    .orderBy(desc(withdrawals.createdAt))
    .limit(f.limit);
}
