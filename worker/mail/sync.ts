/** Tells a user's account object what it should mail about, whenever the settings or the address change. */
import type { Env } from '../env';
import { accountOf } from '../account/client';
import { dbOf } from '../db/client';
import { mailTarget } from '../db/notify';

export async function syncNotify(env: Env, userId: number, base: string | null): Promise<void> {
  const target = await mailTarget(dbOf(env.DB), userId);
  const reachable = !!target?.email && target.verified;
  const s = target?.settings;
  await accountOf(env, userId).setNotify({
    newIp: reachable && !!s?.newIp,
    lowBalance: reachable ? (s?.lowBalance ?? null) : null,
    base,
  });
}
