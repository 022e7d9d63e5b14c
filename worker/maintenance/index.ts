import type { Env } from '../env';
import { settingsOf } from '../env';
import { expiry } from './expiry';
import { optimize } from './optimize';
import { orders } from './orders';
import { promotions } from './promotions';
import { probes } from './probes';
import { priceSync } from './price-sync';
import { reconcile } from './reconcile';
import { retention } from './retention';
import type { Job, JobResult } from './types';
import { dbOf } from '../db/client';
import { finishRun, startRun } from '../db/runs';

/** Every job, in the order a full run takes them. Adding a job is one file and one line here. */
export const JOBS: Job[] = [expiry, orders, retention, reconcile, promotions, probes, priceSync, optimize];
export const JOB_NAMES = JOBS.map((j) => j.name) as [string, ...string[]];

export interface RunReport extends JobResult {
  job: string;
  run_id: number;
  outcome: 'ok' | 'partial' | 'error';
  error?: string;
}

/** Runs the named jobs one after another, recording each run with its outcome. */
export async function runJobs(
  env: Env,
  names: string[],
  trigger: string,
  options: { budget: number; retentionDays?: number },
): Promise<RunReport[]> {
  const settings = settingsOf(env);
  const db = dbOf(env.DB);
  const reports: RunReport[] = [];
  for (const job of JOBS.filter((j) => names.includes(j.name))) {
    const startedAt = Date.now();
    const runId = await startRun(db, job.name, trigger, startedAt);
    let report: RunReport;
    try {
      const result = await job.run({
        env,
        settings,
        now: startedAt,
        budget: options.budget,
        retentionDays: options.retentionDays,
      });
      report = { job: job.name, run_id: runId, ...result, outcome: result.more ? 'partial' : 'ok' };
    } catch (err) {
      report = {
        job: job.name,
        run_id: runId,
        rows: 0,
        more: true,
        outcome: 'error',
        error: String(err instanceof Error ? err.message : err).slice(0, 500),
      };
    }
    await finishRun(
      db,
      runId,
      { rows: report.rows, outcome: report.outcome, error: report.error ?? null, details: report.details ?? null },
      Date.now(),
    );
    reports.push(report);
  }
  return reports;
}

/** The local hour in the maintenance zone. */
export function localHour(now: number, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(now));
  return Number(hour);
}

export const FREQUENT_CRON = '*/2 * * * *';

/**
 * The frequent trigger probes channels and expires keys; any other trigger runs the full set,
 * but only inside 01:00-05:00 of MAINTENANCE_TIMEZONE.
 */
export async function onSchedule(env: Env, cron: string, scheduledTime: number): Promise<RunReport[]> {
  if (cron === FREQUENT_CRON) return runJobs(env, ['probes', 'expiry'], `cron ${cron}`, { budget: 2 });
  const hour = localHour(scheduledTime, settingsOf(env).MAINTENANCE_TIMEZONE);
  if (hour < 1 || hour >= 5) return [];
  return runJobs(env, JOB_NAMES, `cron ${cron}`, { budget: 20 });
}
