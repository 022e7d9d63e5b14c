/**
 * Rows the account object queues in its own storage and flushes to D1 in batches. Every row has
 * its id fixed when it is queued (the ledger row's uid, the log row's request id), and D1 ignores
 * a repeat, so a flush that runs twice, or is retried after a crash, writes nothing twice.
 */
import type { LedgerEntry } from '../db/ledger';
import {
  insertLedgerStatement,
  insertLogStatement,
  insertRebateStatement,
  mirrorBalanceStatement,
  mirrorTokenCapStatement,
  noteTokenIpStatement,
} from '../db/flush';
import type { LogWrite } from './types';
import type { RebateEntry } from './rebates';

export type Pending =
  | { kind: 'log'; row: LogWrite }
  | { kind: 'ledger'; entry: LedgerEntry & { uid: string } }
  /** An operator changed a key's cap: write the cap's mirror. */
  | { kind: 'cap'; tokenId: number }
  | { kind: 'rebate'; entry: RebateEntry };

export interface TokenCap {
  /** null: the token has no cap of its own. */
  remain: number | null;
  used: number;
}

export interface MirrorState {
  userId: number;
  balance: number;
  used: number;
}

/** Storage key of the n-th queued row: zero-padded, so storage lists them in queue order. */
export const pendingKey = (seq: number) => `pend:${String(seq).padStart(12, '0')}`;

export interface FlushPlan {
  statements: D1PreparedStatement[];
  /** (key, IP) pairs this batch notes in token_ips. */
  notedIps: string[];
  /** The sum of the ledger deltas this batch writes. */
  ledgerDelta: number;
}

/**
 * The D1 statements for a batch of queued rows, with the balance mirror and the caps the rows
 * touched. `alreadyNoted` holds (key, IP) pairs known to be in token_ips, so a busy key does not
 * rewrite them on every flush.
 */
export function flushPlan(
  d1: D1Database,
  rows: Pending[],
  state: MirrorState,
  capOf: (tokenId: number) => TokenCap | undefined,
  alreadyNoted: Set<string>,
  now: number,
): FlushPlan {
  const statements: D1PreparedStatement[] = [];
  const notedIps: string[] = [];
  const caps = new Set<number>();
  let ledgerDelta = 0;
  for (const p of rows) {
    if (p.kind === 'ledger') {
      statements.push(insertLedgerStatement(d1, p.entry));
      ledgerDelta += p.entry.delta;
      if (p.entry.tokenId !== null && p.entry.tokenId !== undefined) caps.add(p.entry.tokenId);
    } else if (p.kind === 'cap') {
      caps.add(p.tokenId);
    } else if (p.kind === 'rebate') {
      statements.push(insertRebateStatement(d1, p.entry));
    } else {
      statements.push(insertLogStatement(d1, p.row));
      const { token_id: tokenId, ip } = p.row;
      const pair = tokenId !== null && ip ? `${tokenId}|${ip}` : null;
      if (pair && tokenId !== null && ip && !alreadyNoted.has(pair) && !notedIps.includes(pair)) {
        statements.push(noteTokenIpStatement(d1, tokenId, ip, p.row.request_id, p.row.created_at));
        notedIps.push(pair);
      }
    }
  }
  statements.push(mirrorBalanceStatement(d1, state.userId, state.balance, state.used, now));
  for (const tokenId of caps) {
    const cap = capOf(tokenId);
    if (cap) statements.push(mirrorTokenCapStatement(d1, tokenId, cap.remain, cap.used));
  }
  return { statements, notedIps, ledgerDelta };
}
