import { loadOptions } from '../site/options';
import { dbOf } from '../db/client';
import { expirePending } from '../db/orders';
import type { Job } from './types';

const CHUNK = 200;

/** Expires orders left unpaid for longer than `topup.order_expiry_minutes`. One paid later is still credited (once). */
export const orders: Job = {
  name: 'orders',
  async run({ env, now, budget }) {
    const { topup } = await loadOptions(env);
    const cutoff = now - topup.order_expiry_minutes * 60_000;
    let rows = 0;
    for (let chunk = 0; chunk < budget; chunk++) {
      const expired = await expirePending(dbOf(env.DB), cutoff, CHUNK, now);
      rows += expired;
      if (expired < CHUNK) return { rows, more: false };
    }
    return { rows, more: true };
  },
};
