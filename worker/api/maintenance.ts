import { createRoute, z } from '@hono/zod-openapi';
import { JOB_NAMES, runJobs } from '../maintenance';
import { dbOf } from '../db/client';
import { recentRuns } from '../db/runs';
import { errors, json, router } from './openapi';
import { Iso, Limit, isoOf, isoOrNull, listOf } from './fields';
import { adminOnly, requireAdmin, requireSession } from './session';
import { audit } from '../security/audit';

const RunBody = z
  .object({
    jobs: z.array(z.enum(JOB_NAMES)).min(1).optional(),
    /** Override of LOG_RETENTION_DAYS for this run only. */
    retention_days: z.number().int().min(0).max(3650).optional(),
  })
  .strict();

const Outcome = z.enum(['running', 'ok', 'partial', 'error']);

export const RunReportView = z
  .object({
    job: z.string(),
    run_id: z.number().int(),
    rows: z.number().int(),
    more: z.boolean(),
    outcome: Outcome,
    error: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('RunReport');

export const RunView = z
  .object({
    id: z.number().int(),
    job: z.string(),
    trigger: z.string(),
    started_at: Iso,
    finished_at: Iso.nullable(),
    rows: z.number().int(),
    outcome: Outcome,
    error: z.string().nullable(),
    details: z.unknown().nullable(),
  })
  .openapi('MaintenanceRun');

export const maintenanceRoutes = router();
maintenanceRoutes.use('/api/maintenance/*', requireSession, adminOnly);

maintenanceRoutes
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/maintenance/run',
      tags: ['maintenance'],
      summary: 'Run maintenance jobs now (admin): all, or those named',
      request: { body: { content: { 'application/json': { schema: RunBody } }, required: false } },
      responses: { 200: json(z.object({ runs: z.array(RunReportView) })), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const raw: unknown = c.req.header('content-type')?.includes('json') ? await c.req.json().catch(() => null) : {};
      const parsed = RunBody.safeParse(raw ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return c.json(
          {
            error: {
              message: `${issue.path.join('.') || 'body'}: ${issue.message}`,
              type: 'invalid_request_error',
              code: 'invalid_request',
            },
          },
          400,
        );
      }
      const jobs = parsed.data.jobs ?? JOB_NAMES;
      const runs = await runJobs(c.env, jobs, 'api', { budget: 200, retentionDays: parsed.data.retention_days });
      await audit(c, { action: 'maintenance.run', target: null, summary: `ran ${jobs.join(', ')}` });
      return c.json({ runs }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/maintenance/runs',
      tags: ['maintenance'],
      summary: 'Past runs, newest first (admin)',
      request: { query: z.object({ limit: Limit(500, 100) }) },
      responses: { 200: json(listOf(RunView)), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const rows = await recentRuns(dbOf(c.env.DB), c.req.valid('query').limit);
      const items = rows.map((r) => ({
        id: r.id,
        job: r.job,
        trigger: r.trigger,
        started_at: isoOf(r.startedAt),
        finished_at: isoOrNull(r.finishedAt),
        rows: r.rows,
        outcome: r.outcome,
        error: r.error,
        details: r.details ?? null,
      }));
      return c.json({ items }, 200);
    },
  );
