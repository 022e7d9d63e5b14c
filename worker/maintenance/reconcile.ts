import { recordEvent } from '../db/events';
import { accountOf } from '../account/stub';
import type { Job } from './types';

const CHUNK = 200;
const CURSOR_KEY = 'maintenance.reconcile.cursor';

/**
 * Checks every balance against its ledger. The account object is the balance's only writer and
 * flushes ledger rows with the balance mirror in one batch, so the live balance must equal the
 * ledger's sum. A mismatch is recorded as an event for the operator, never silently "fixed".
 */
export const reconcile: Job = {
  name: 'reconcile',
  async run({ env, now, budget }) {
    const cursorRow = await env.DB.prepare('SELECT value FROM options WHERE key = ?').bind(CURSOR_KEY).first<{ value: string }>();
    let cursor = cursorRow ? Number(cursorRow.value) : 0;
    let rows = 0;
    const mismatches: { user_id: number; balance: number; ledger: number }[] = [];
    for (let chunk = 0; chunk < budget; chunk++) {
      const { results } = await env.DB.prepare('SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?')
        .bind(cursor, CHUNK)
        .all<{ id: number }>();
      if (results.length === 0) {
        cursor = 0;
        break;
      }
      for (const u of results) {
        // The live balance, after the object has flushed what it holds.
        const live = await accountOf(env, u.id).settledBalance(u.id);
        const ledger = await env.DB.prepare('SELECT COALESCE(SUM(delta), 0) AS s FROM ledger WHERE user_id = ?').bind(u.id).first<{ s: number }>();
        if (live.quota !== (ledger?.s ?? 0)) mismatches.push({ user_id: u.id, balance: live.quota, ledger: ledger?.s ?? 0 });
      }
      rows += results.length;
      cursor = results[results.length - 1].id;
      if (results.length < CHUNK) {
        cursor = 0;
        break;
      }
    }
    const statements = [
      env.DB.prepare('INSERT INTO options (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
        .bind(CURSOR_KEY, String(cursor), now),
      ...mismatches.map((m) =>
        recordEvent(env.DB, 'balance_mismatch', `user:${m.user_id}`, `balance ${m.balance} differs from the ledger sum ${m.ledger} by ${m.balance - m.ledger}`, m),
      ),
    ];
    await env.DB.batch(statements);
    return { rows, more: cursor !== 0, details: { mismatches: mismatches.length } };
  },
};
