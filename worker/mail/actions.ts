/** What the signed links in mails do: unsubscribe from one kind of notice, disable a key. */
import type { Env } from '../env';
import { accountOf } from '../account/stub';
import { dbOf } from '../db/client';
import { saveNotify, type NotifyChange } from '../db/notify';
import { forgetTokens } from '../db/snapshots';
import { tokenById, updateToken } from '../db/tokens';
import { syncNotify } from './sync';
import { verifyLink, type UnsubKind } from './sign';

const OFF: Record<UnsubKind, NotifyChange> = { price: { priceChanges: false }, new_ip: { newIp: false }, low_balance: { lowBalance: null } };

/** Answers the kind unsubscribed from, or null for a link that is not genuine. */
export async function unsubscribe(env: Env, token: string, base: string): Promise<UnsubKind | null> {
  const link = await verifyLink(env, token, 'unsub');
  if (!link) return null;
  await saveNotify(dbOf(env.DB), link.u, OFF[link.k], Date.now());
  await syncNotify(env, link.u, base);
  return link.k;
}

export async function checkUnsubscribe(env: Env, token: string): Promise<UnsubKind | null> {
  return (await verifyLink(env, token, 'unsub'))?.k ?? null;
}

export type DisableOutcome = { ok: true; name: string; already: boolean } | { ok: false };

/**
 * Disables the key the link names, the way `PATCH /api/tokens/{id}` does: the row, then the
 * account object (which refuses the key from its next request), then the snapshots.
 */
export async function disableKeyByLink(env: Env, token: string): Promise<DisableOutcome> {
  const link = await verifyLink(env, token, 'disable');
  if (!link) return { ok: false };
  const db = dbOf(env.DB);
  const row = await tokenById(db, link.t);
  if (!row || row.userId !== link.u) return { ok: false };
  if (row.status === 'disabled') return { ok: true, name: row.name, already: true };
  const updated = await updateToken(db, row.id, { status: 'disabled', disabledBy: row.disabledBy === 'admin' ? 'admin' : 'user' }, Date.now());
  await accountOf(env, row.userId).syncToken(row.userId, row.id, { status: updated.status, keyHash: updated.keyHash, expiresAt: updated.expiresAt });
  await forgetTokens(env, [row.keyHash]);
  return { ok: true, name: row.name, already: false };
}
