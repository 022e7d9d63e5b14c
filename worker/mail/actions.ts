/** What the signed links in mails do: unsubscribe from one kind of notice, disable a key. */
import type { Env } from '../env';
import { accountOf } from '../account/client';
import { dbOf } from '../db/client';
import { saveNotify, type NotifyChange } from '../db/notify';
import { forgetTokens } from '../db/snapshots';
import { disableTokenIfUnchanged, tokenById, type TokenRow } from '../db/tokens';
import { syncNotify } from './sync';
import { verifyLink, type UnsubKind } from './sign';

const OFF: Record<UnsubKind, NotifyChange> = {
  price: { priceChanges: false },
  new_ip: { newIp: false },
  low_balance: { lowBalance: null },
};

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

/**
 * What a disable link can do now: `ready` (the key is as it was when the mail was made), `already`
 * (disabled), `stale` (the key changed since: re-enabled, renamed, or the link was used).
 */
export type DisableState = { state: 'ready' | 'already' | 'stale'; name: string } | { state: 'invalid' };

async function linkedToken(env: Env, token: string) {
  const link = await verifyLink(env, token, 'disable');
  if (!link) return null;
  const row = await tokenById(dbOf(env.DB), link.t);
  return row && row.userId === link.u ? { link, row } : null;
}

const stateOf = (row: TokenRow, version: number): DisableState['state'] =>
  row.status === 'disabled' ? 'already' : row.updatedAt === version ? 'ready' : 'stale';

/** What the link's page shows on GET: nothing changes. */
export async function checkDisable(env: Env, token: string): Promise<DisableState> {
  const found = await linkedToken(env, token);
  return found ? { state: stateOf(found.row, found.link.v), name: found.row.name } : { state: 'invalid' };
}

/**
 * Disables the key the link names (on POST), the way `PATCH /api/tokens/{id}` does: the row, then
 * the account object (which refuses the key from its next request), then the snapshots. Only
 * while the key is unchanged since the mail, so the link works once. Answers `ready` when it did.
 */
export async function disableKeyByLink(env: Env, token: string): Promise<DisableState> {
  const found = await linkedToken(env, token);
  if (!found) return { state: 'invalid' };
  const { link, row } = found;
  const by = row.disabledBy === 'admin' ? 'admin' : 'user';
  const updated = await disableTokenIfUnchanged(dbOf(env.DB), row.id, link.v, by, Date.now());
  if (!updated) {
    const now = await tokenById(dbOf(env.DB), row.id);
    return { state: now ? stateOf(now, link.v) : 'stale', name: row.name };
  }
  await accountOf(env, row.userId).syncToken(row.id, {
    status: updated.status,
    keyHash: updated.keyHash,
    expiresAt: updated.expiresAt,
  });
  await forgetTokens(env, [row.keyHash]);
  return { state: 'ready', name: row.name };
}
