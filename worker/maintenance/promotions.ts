import { dbOf } from '../db/client';
import { optionValue, setOption } from '../db/options';
import { userIdsAfter } from '../db/users';
import { maybePromote } from '../payments/promotion';
import type { Job } from './types';
import { loadOptions } from '../site/options';

const CHUNK = 100;
const CURSOR_KEY = 'maintenance.promotions.cursor';

/**
 * Moves customers who now qualify into the enterprise group: by their paid top-ups, or by their
 * spending over the window (which no order triggers). Walks the users in chunks, resumably.
 */
export const promotions: Job = {
  name: 'promotions',
  async run({ env, now, budget }) {
    const db = dbOf(env.DB);
    const stored = await optionValue(db, CURSOR_KEY);
    let cursor = typeof stored === 'number' ? stored : 0;
    let rows = 0;
    let promoted = 0;
    const { topup } = await loadOptions(env);
    for (let chunk = 0; chunk < budget; chunk++) {
      const ids = await userIdsAfter(db, cursor, CHUNK);
      for (const id of ids) if (await maybePromote(env, id, topup)) promoted++;
      rows += ids.length;
      cursor = ids.length === CHUNK ? ids[ids.length - 1] : 0;
      if (cursor === 0) break;
    }
    await db.batch([setOption(db, CURSOR_KEY, cursor, now)]);
    return { rows, more: cursor !== 0, details: { promoted } };
  },
};
