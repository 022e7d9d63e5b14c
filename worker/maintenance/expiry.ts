import { forgetTokens } from '../db/snapshots';
import { accountOf } from '../account/stub';
import type { Job } from './types';

const CHUNK = 200;

/** Marks tokens past their expiry as `expired` (they are refused at once anyway). */
export const expiry: Job = {
  name: 'expiry',
  async run({ env, now, budget }) {
    let rows = 0;
    for (let chunk = 0; chunk < budget; chunk++) {
      const { results } = await env.DB.prepare(
        "UPDATE tokens SET status = 'expired', updated_at = ?1 WHERE id IN (SELECT id FROM tokens WHERE status = 'enabled' AND expires_at IS NOT NULL AND expires_at <= ?1 LIMIT ?2) RETURNING id, user_id, key_hash, expires_at",
      )
        .bind(now, CHUNK)
        .all<{ id: number; user_id: number; key_hash: string; expires_at: number }>();
      if (results.length === 0) return { rows, more: false };
      await Promise.all(results.map((t) => accountOf(env, t.user_id).syncToken(t.user_id, t.id, { status: 'expired', keyHash: t.key_hash, expiresAt: t.expires_at })));
      await forgetTokens(env, results.map((t) => t.key_hash));
      rows += results.length;
    }
    return { rows, more: true };
  },
};
