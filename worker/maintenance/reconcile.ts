import { recordEvent } from '../db/events';
import { accountOf } from '../account/stub';
import type { Job } from './types';

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
        const audit = await accountOf(env, u.id).audit(u.id);
        if (!audit.ok) continue; // D1 refused the flush; the next run looks again
        const ledger = audit.ledgerInD1 + audit.pending;
        if (audit.balance !== ledger) mismatches.push({ user_id: u.id, balance: audit.balance, ledger });
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
