import type { Job } from './types';
import { dbOf } from '../db/client';
import { pruneLogins } from '../db/logins';

const DAY_MS = 86_400_000;
const KEEP_EVENTS_DAYS = 180;
const KEEP_RUNS_DAYS = 90;

/** Keeps D1 lean: stale bookkeeping rows go, and SQLite refreshes its query statistics. */
export const optimize: Job = {
  name: 'optimize',
  async run({ env, now }) {
    const pruned = await pruneLogins(dbOf(env.DB), now, DAY_MS);
    const results = await env.DB.batch([
      env.DB.prepare('DELETE FROM events WHERE created_at < ?').bind(now - KEEP_EVENTS_DAYS * DAY_MS),
      env.DB.prepare("DELETE FROM maintenance_runs WHERE started_at < ? AND outcome != 'running'").bind(now - KEEP_RUNS_DAYS * DAY_MS),
    ]);
    await env.DB.prepare('PRAGMA optimize').run();
    const rows = pruned + results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
    return { rows, more: false };
  },
};
