import type { Env, Settings } from '../env';

export interface JobContext {
  env: Env;
  settings: Settings;
  now: number;
  /** Chunks a job may process in this invocation; the rest waits for the next tick. */
  budget: number;
  /** Operator override of LOG_RETENTION_DAYS for an on-demand run. */
  retentionDays?: number;
}

export interface JobResult {
  rows: number;
  /** True when work remains for a later tick. */
  more: boolean;
  details?: Record<string, unknown>;
}

export interface Job {
  name: string;
  run(ctx: JobContext): Promise<JobResult>;
}
