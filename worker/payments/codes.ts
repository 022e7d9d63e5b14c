/**
 * Redemption codes, as card shops sell them: made in batches, shown once, stored as SHA-256.
 * A redeem claims the code in one D1 statement (one winner under any concurrency), then credits
 * through the account object, idempotent by the code, so a retried redeem never credits twice.
 */
import type { Env } from '../env';
import { accountOf } from '../account/client';
import { dbOf } from '../db/client';
import { claimCode, codeByHash, insertCodes } from '../db/redemptions';
import { ApiError } from '../lib/errors';
import { randomAlphanumeric, sha256Hex } from '../lib/crypto';

const codeHash = (code: string) => sha256Hex(code.trim());

export async function makeCodes(
  env: Env,
  n: number,
  quota: number,
  expiresAt: number | null,
  name: string | null,
  adminId: number,
): Promise<string[]> {
  const now = Date.now();
  const codes = Array.from({ length: n }, () => randomAlphanumeric(32));
  const rows = await Promise.all(
    codes.map(async (code) => ({
      codeHash: await codeHash(code),
      codePrefix: code.slice(0, 6),
      name,
      quota,
      createdBy: adminId,
      createdAt: now,
      expiresAt,
    })),
  );
  await insertCodes(dbOf(env.DB), rows);
  return codes;
}

export async function redeemCode(env: Env, userId: number, code: string): Promise<{ credited: number; quota: number }> {
  const db = dbOf(env.DB);
  const hash = await codeHash(code);
  const now = Date.now();
  let row = await claimCode(db, hash, userId, now);
  if (!row) {
    const known = await codeByHash(db, hash);
    if (!known || (known.usedBy === null && known.expiresAt !== null && known.expiresAt <= now))
      throw new ApiError(400, 'invalid_code', 'code: unknown or expired');
    // Claimed by this user before, but the credit may not have gone through: it is idempotent.
    if (known.usedBy !== userId) throw new ApiError(409, 'code_used', 'code: already redeemed');
    row = known;
  }
  const credit = await accountOf(env, userId).credit({
    delta: row.quota,
    reason: 'redeem',
    note: `code ${row.codePrefix}…${row.name ? ` (${row.name})` : ''}`,
    idempotencyKey: `code:${hash}`,
  });
  if (!credit.ok) throw new Error(`crediting code ${row.codePrefix} failed: ${credit.error}`);
  if (credit.replayed) throw new ApiError(409, 'code_used', 'code: already redeemed');
  return { credited: row.quota, quota: credit.quota };
}
