import { forgetTokens } from '../db/snapshots';
import { accountOf } from '../account/client';
import type { Job } from './types';
import { dbOf } from '../db/client';
import { expireDueTokens } from '../db/tokens';

const CHUNK = 200;

/** Marks tokens past their expiry as `expired` (they are refused at once anyway). */
export const expiry: Job = {
  name: 'expiry',
  async run({ env, now, budget }) {
    let rows = 0;
    for (let chunk = 0; chunk < budget; chunk++) {
      const results = await expireDueTokens(dbOf(env.DB), now, CHUNK);
      if (results.length === 0) return { rows, more: false };
      await Promise.all(
        results.map((t) =>
          accountOf(env, t.userId).syncToken(t.id, { status: 'expired', keyHash: t.keyHash, expiresAt: t.expiresAt }),
        ),
      );
      await forgetTokens(
        env,
        results.map((t) => t.keyHash),
      );
      rows += results.length;
    }
    return { rows, more: true };
  },
};
