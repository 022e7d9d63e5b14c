import { recordEvent } from '../db/events';
import { accountOf } from '../account/client';
import type { Job } from './types';
import { dbOf, runBatch } from '../db/client';
import { optionValue, setOption } from '../db/options';
import { userIdsAfter } from '../db/users';

const CHUNK = 200;
const CURSOR_KEY = 'maintenance.reconcile.cursor';

/**
 * Checks every balance against its ledger. The account object is the balance's only writer; it
 * reads its balance, D1's ledger sum and the rows it has not flushed yet in one consistent view,
 * so a busy account never reports a false mismatch. A mismatch is recorded as an event for the
 * operator, never silently "fixed".
 */
export const reconcile: Job = {
  name: 'reconcile',
  async run({ env, now, budget }) {
    const db = dbOf(env.DB);
    const stored = await optionValue(db, CURSOR_KEY);
    let cursor = typeof stored === 'number' ? stored : Number(stored ?? 0) || 0;
    let rows = 0;
    const mismatches: { user_id: number; balance: number; ledger: number }[] = [];
    for (let chunk = 0; chunk < budget; chunk++) {
      const results = await userIdsAfter(db, cursor, CHUNK);
      if (results.length === 0) {
        cursor = 0;
        break;
      }
      for (const id of results) {
        const audit = await accountOf(env, id).audit();
        if (!audit.ok) continue; // D1 refused the flush; the next run looks again
        const ledger = audit.ledgerInD1 + audit.pending;
        if (audit.balance !== ledger) mismatches.push({ user_id: id, balance: audit.balance, ledger });
      }
      rows += results.length;
      cursor = results[results.length - 1];
      if (results.length < CHUNK) {
        cursor = 0;
        break;
      }
    }
    await runBatch(db, [
      setOption(db, CURSOR_KEY, cursor, now),
      ...mismatches.map((m) =>
        recordEvent(
          db,
          'balance_mismatch',
          `user:${m.user_id}`,
          `balance ${m.balance} differs from the ledger sum ${m.ledger} by ${m.balance - m.ledger}`,
          m,
          now,
        ),
      ),
    ]);
    return { rows, more: cursor !== 0, details: { mismatches: mismatches.length } };
  },
};
