/**
 * Enterprise promotion: a customer of the default group moves to the enterprise group once their
 * paid top-ups add up to `min_total_topup`, or their spending over the last `window_days`
 * averages `min_daily_spend` a day. Checked after each paid order and nightly; never undone by
 * the system. The enterprise group is set up on first use to reach every model the default
 * group reaches.
 */
import type { Env } from '../env';
import { loadOptions, type TopupOptions } from '../site/options';
import { dbOf, runBatch } from '../db/client';
import { extendGroupToChannels } from '../db/channels';
import { recordEvent } from '../db/events';
import { chargedSince } from '../db/ledger';
import { paidAmounts } from '../db/orders';
import { groupByName, upsertGroup } from '../db/pricing';
import { refreshChannels, refreshPricing, forgetTokens } from '../db/snapshots';
import { keyHashesOf, updateUser, userById } from '../db/users';
import { add, dec, mul, type Decimal } from '../billing/decimal';
import { compare, unitsInCurrency } from './money';

const DAY_MS = 86_400_000;

/** Why a customer qualifies, or null. */
export async function qualifies(
  env: Env,
  userId: number,
  topup: TopupOptions,
  now = Date.now(),
): Promise<string | null> {
  const db = dbOf(env.DB);
  const e = topup.enterprise;
  const paid = (await paidAmounts(db, userId))
    .filter((o) => o.currency === topup.currency)
    .reduce<Decimal>((sum, o) => add(sum, dec(o.amount)), dec(0));
  if (compare(paid, dec(e.min_total_topup)) >= 0)
    return `paid top-ups add up to ${e.min_total_topup} ${topup.currency}`;
  const spent = unitsInCurrency(await chargedSince(db, userId, now - e.window_days * DAY_MS), topup.price_per_usd);
  if (compare(spent, mul(dec(e.min_daily_spend), dec(e.window_days))) >= 0)
    return `spending averaged ${e.min_daily_spend} ${topup.currency} a day over ${e.window_days} days`;
  return null;
}

/** Gives the enterprise group the default group's ratio, limits and channels, the first time it is used. */
async function setUpGroup(env: Env, group: string): Promise<void> {
  const db = dbOf(env.DB);
  const now = Date.now();
  if (!(await groupByName(db, group))) {
    const base = await groupByName(db, 'default');
    await runBatch(db, [
      upsertGroup(
        db,
        group,
        { ratio: base?.ratio ?? 1, rpmLimit: base?.rpmLimit ?? null, tpmLimit: base?.tpmLimit ?? null },
        now,
      ),
    ]);
    await refreshPricing(env);
  }
  if ((await extendGroupToChannels(db, 'default', group, now)) > 0) await refreshChannels(env);
}

/** Promotes the customer if they qualify; answers whether they were promoted now. */
export async function maybePromote(env: Env, userId: number, topupOptions?: TopupOptions): Promise<boolean> {
  const topup = topupOptions ?? (await loadOptions(env)).topup;
  const db = dbOf(env.DB);
  const user = await userById(db, userId);
  if (!user || user.group !== 'default' || user.role !== 'user') return false;
  const reason = await qualifies(env, userId, topup);
  if (!reason) return false;
  const group = topup.enterprise.group;
  await setUpGroup(env, group);
  await updateUser(db, userId, { group }, Date.now());
  await forgetTokens(env, await keyHashesOf(db, userId));
  await runBatch(db, [
    recordEvent(
      db,
      'customer_promoted',
      `user:${userId}`,
      `${user.username} became an enterprise customer (group ${group}): ${reason}`,
      { user_id: userId, group, reason },
    ),
  ]);
  return true;
}
