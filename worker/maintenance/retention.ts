import type { Job } from './types';
import { dbOf } from '../db/client';
import { anyLogBefore, foldLogs, oldLogIds } from '../db/logs';

const CHUNK = 500;
const DAY_MS = 86_400_000;

/**
 * Folds raw log rows older than the retention into daily totals and deletes them. Each chunk
 * is one D1 batch (a transaction), so a run stopped half-way leaves no row both folded and kept.
 */
export const retention: Job = {
  name: 'retention',
  async run({ env, settings, now, budget, retentionDays }) {
    const days = retentionDays ?? settings.LOG_RETENTION_DAYS;
    const cutoff = days === 0 ? now + 1 : now - days * DAY_MS;
    let rows = 0;
    const db = dbOf(env.DB);
    for (let chunk = 0; chunk < budget; chunk++) {
      const ids = await oldLogIds(db, cutoff, CHUNK);
      if (ids.length === 0) return { rows, more: false, details: { cutoff: new Date(cutoff).toISOString() } };
      await foldLogs(db, ids[0], ids[ids.length - 1], cutoff);
      rows += ids.length;
    }
    return { rows, more: await anyLogBefore(db, cutoff) };
  },
};
