import { createRoute, z } from '@hono/zod-openapi';
import { JOB_NAMES, runJobs } from '../maintenance';
import { AnyObject, errors, json, router } from './openapi';
import { adminOnly, requireAdmin, requireSession } from './session';

const RunBody = z
  .object({
    jobs: z.array(z.enum(JOB_NAMES)).min(1).optional(),
    /** Override of LOG_RETENTION_DAYS for this run only. */
    retention_days: z.number().int().min(0).max(3650).optional(),
  })
  .strict();

export const maintenanceRoutes = router();
maintenanceRoutes.use('/api/maintenance/*', requireSession, adminOnly);

maintenanceRoutes
  .openapi(
    createRoute({
      method: 'post', path: '/api/maintenance/run', tags: ['maintenance'], summary: 'Run maintenance jobs now (admin): all, or those named',
      request: { body: { content: { 'application/json': { schema: RunBody } }, required: false } },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const raw: unknown = c.req.header('content-type')?.includes('json') ? await c.req.json().catch(() => null) : {};
      const parsed = RunBody.safeParse(raw ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return c.json({ error: { message: `${issue.path.join('.') || 'body'}: ${issue.message}`, type: 'invalid_request_error', code: 'invalid_request' } }, 400);
      }
      const jobs = parsed.data.jobs ?? JOB_NAMES;
      const runs = await runJobs(c.env, jobs, 'api', { budget: 200, retentionDays: parsed.data.retention_days });
      return c.json({ runs }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/maintenance/runs', tags: ['maintenance'], summary: 'Past runs, newest first (admin)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { results } = await c.env.DB.prepare('SELECT * FROM maintenance_runs ORDER BY id DESC LIMIT ?').bind(c.req.valid('query').limit).all<{ details: string | null; started_at: number; finished_at: number | null }>();
      return c.json({
        items: results.map((r) => ({
          ...r,
          started_at: new Date(r.started_at).toISOString(),
          finished_at: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
          details: r.details ? (JSON.parse(r.details) as unknown) : null,
        })),
      }, 200);
    },
  );
