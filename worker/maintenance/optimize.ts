import type { Job } from './types';
import { dbOf } from '../db/client';
import { pruneLogins } from '../db/logins';
import { pruneEvents } from '../db/events';
import { optimizeDatabase, pruneRuns } from '../db/runs';

const DAY_MS = 86_400_000;
const KEEP_EVENTS_DAYS = 180;
const KEEP_RUNS_DAYS = 90;

/** Keeps D1 lean: stale bookkeeping rows go, and SQLite refreshes its query statistics. */
export const optimize: Job = {
  name: 'optimize',
  async run({ env, now }) {
    const db = dbOf(env.DB);
    const pruned = await pruneLogins(db, now, DAY_MS);
    const [events, runs] = await db.batch([
      pruneEvents(db, now - KEEP_EVENTS_DAYS * DAY_MS),
      pruneRuns(db, now - KEEP_RUNS_DAYS * DAY_MS),
    ]);
    await optimizeDatabase(db);
    return { rows: pruned + (events.meta.changes ?? 0) + (runs.meta.changes ?? 0), more: false };
  },
};
