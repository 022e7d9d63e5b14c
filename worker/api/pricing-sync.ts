import { createRoute, z } from '@hono/zod-openapi';
import { errors, json, router } from './openapi';
import { adminOnly, requireAdmin, requireSession } from './session';
import { audit } from '../security/audit';
import { requestLinkBase } from '../mail/base';
import { lastSync, syncPrices, type SyncResult } from '../prices/sync';

const SyncBody = z.object({ dry_run: z.boolean().optional() }).strict();

const Fields = z.object({
  model_ratio: z.number().nullable(),
  completion_ratio: z.number().nullable(),
  cache_ratio: z.number().nullable(),
  cache_write_ratio: z.number().nullable(),
  cache_write_1h_ratio: z.number().nullable(),
  tiers: z
    .array(
      z.object({ above_prompt_tokens: z.number(), prompt_multiplier: z.number(), completion_multiplier: z.number() }),
    )
    .nullable(),
});

export const SyncView = z
  .object({
    dry_run: z.boolean(),
    source: z.enum(['source_url', 'shipped']),
    source_error: z.string().nullable(),
    at: z.string(),
    trigger: z.string(),
    changed: z.array(z.object({ model: z.string(), before: Fields, after: Fields })),
    /** `pinned`, `missing` (not in the table), `half_row` (no input or output price), `max_change`, `per_call`. */
    skipped: z.array(
      z.object({ model: z.string(), reason: z.enum(['pinned', 'missing', 'half_row', 'max_change', 'per_call']) }),
    ),
  })
  .openapi('PriceSync');

const badRequest = (message: string) => ({
  error: { message, type: 'invalid_request_error', code: 'invalid_request' },
});

export const pricingSyncRoutes = router();
pricingSyncRoutes.use('/api/pricing/sync', requireSession, adminOnly);

pricingSyncRoutes
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/pricing/sync',
      tags: ['pricing'],
      summary: 'Sync prices from the official table now (admin); with dry_run, only answers what would change',
      request: { body: { content: { 'application/json': { schema: SyncBody } }, required: false } },
      responses: { 200: json(SyncView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const raw: unknown = c.req.header('content-type')?.includes('json')
        ? await c.req.json().catch(() => undefined)
        : {};
      const parsed = SyncBody.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return c.json(badRequest(`${issue.path.join('.') || 'body'}: ${issue.message}`), 400);
      }
      const dryRun = parsed.data.dry_run ?? false;
      const result: SyncResult = await syncPrices(c.env, { dryRun, trigger: 'api', base: requestLinkBase(c) });
      if (!dryRun)
        await audit(c, {
          action: 'pricing.sync',
          target: 'pricing',
          summary: `synced ${result.changed.map((x) => x.model).join(', ') || 'nothing'} from ${result.source}`,
        });
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/pricing/sync',
      tags: ['pricing'],
      summary: 'The last price sync that changed or checked prices (admin); null before the first',
      responses: { 200: json(SyncView.nullable()), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await lastSync(c.env), 200);
    },
  );
