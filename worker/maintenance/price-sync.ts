import { dbOf, runBatch } from '../db/client';
import { optionValue, setOption } from '../db/options';
import { linkBaseOf } from '../mail/base';
import { loadPriceSync } from '../prices/options';
import { syncPrices } from '../prices/sync';
import type { Job } from './types';

/** The window trigger fires every 10 minutes of the window: the sync runs on the first of a night only. */
const ONCE_PER_MS = 12 * 3600_000;
const NIGHTLY_KEY = 'price_sync_nightly_at';

/**
 * Follows the official prices (worker/prices/sync.ts) once a night when the operator turned
 * `price_sync` on; the run's details say what changed and what was skipped, and why.
 */
export const priceSync: Job = {
  name: 'price_sync',
  async run({ env, settings, now }) {
    if (!(await loadPriceSync(env)).enabled) return { rows: 0, more: false, details: { enabled: false } };
    const db = dbOf(env.DB);
    const last = await optionValue(db, NIGHTLY_KEY);
    if (typeof last === 'number' && Math.abs(now - last) < ONCE_PER_MS)
      return { rows: 0, more: false, details: { already_ran_at: new Date(last).toISOString() } };
    await runBatch(db, [setOption(db, NIGHTLY_KEY, now, now)]);
    const base = settings.PUBLIC_BASE_URL ? linkBaseOf(settings.PUBLIC_BASE_URL, 'http://localhost/') : null;
    const result = await syncPrices(env, { dryRun: false, trigger: 'maintenance', base, now });
    return {
      rows: result.changed.length,
      more: false,
      details: {
        source: result.source,
        source_error: result.source_error,
        changed: result.changed,
        skipped: result.skipped,
      },
    };
  },
};
