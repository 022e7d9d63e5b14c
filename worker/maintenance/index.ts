import type { Env } from '../env';
import { settingsOf } from '../env';
import { expiry } from './expiry';
import { optimize } from './optimize';
import { probes } from './probes';
import { reconcile } from './reconcile';
import { retention } from './retention';
import type { Job, JobResult } from './types';

/** Every job, in the order a full run takes them. Adding a job is one file and one line here. */
export const JOBS: Job[] = [expiry, retention, reconcile, probes, optimize];
export const JOB_NAMES = JOBS.map((j) => j.name) as [string, ...string[]];

export interface RunReport extends JobResult {
  job: string;
  run_id: number;
  outcome: 'ok' | 'partial' | 'error';
  error?: string;
}

/** Runs the named jobs one after another, recording each run with its outcome. */
export async function runJobs(env: Env, names: string[], trigger: string, options: { budget: number; retentionDays?: number }): Promise<RunReport[]> {
  const settings = settingsOf(env);
  const reports: RunReport[] = [];
  for (const job of JOBS.filter((j) => names.includes(j.name))) {
    const startedAt = Date.now();
    const run = await env.DB.prepare("INSERT INTO maintenance_runs (job, trigger, started_at, rows, outcome) VALUES (?, ?, ?, 0, 'running') RETURNING id")
      .bind(job.name, trigger, startedAt)
      .first<{ id: number }>();
    const runId = run!.id;
    let report: RunReport;
    try {
      const result = await job.run({ env, settings, now: startedAt, budget: options.budget, retentionDays: options.retentionDays });
      report = { job: job.name, run_id: runId, ...result, outcome: result.more ? 'partial' : 'ok' };
    } catch (err) {
      report = { job: job.name, run_id: runId, rows: 0, more: true, outcome: 'error', error: String(err instanceof Error ? err.message : err).slice(0, 500) };
    }
    await env.DB.prepare('UPDATE maintenance_runs SET finished_at = ?, rows = ?, outcome = ?, error = ?, details = ? WHERE id = ?')
      .bind(Date.now(), report.rows, report.outcome, report.error ?? null, report.details ? JSON.stringify(report.details) : null, runId)
      .run();
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
