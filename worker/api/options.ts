import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { AnyObject, errors, json, jsonBody, router } from './openapi';
import { requireAdmin, requireSession } from './session';

/** Operator settings kept in the D1 `options` table, one JSON value per key. */
export interface SiteOptions {
  site_name: string;
  /** Yuan per US dollar, for showing amounts in CNY. */
  usd_to_cny: number;
  /** The currency shown to someone who has not picked one. */
  default_currency: 'USD' | 'CNY';
}

export const DEFAULT_OPTIONS: SiteOptions = { site_name: 'LLM Relay', usd_to_cny: 7.2, default_currency: 'USD' };

const OptionsInput = z
  .object({
    site_name: z.string().trim().min(1).max(64),
    usd_to_cny: z.number().positive().max(1000),
    default_currency: z.enum(['USD', 'CNY']),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one of site_name, usd_to_cny, default_currency' });

const OptionsView = z.object({ site_name: z.string(), usd_to_cny: z.number(), default_currency: z.enum(['USD', 'CNY']) });
const partialView = OptionsView.partial();

/** The operator's settings merged over the defaults; a stored value of the wrong shape is ignored. */
export async function loadOptions(env: Env): Promise<SiteOptions> {
  const { results } = await env.DB.prepare('SELECT key, value FROM options').all<{ key: string; value: string }>();
  const raw: Record<string, unknown> = {};
  for (const r of results) {
    try {
      raw[r.key] = JSON.parse(r.value) as unknown;
    } catch {
      // not JSON: ignore
    }
  }
  const stored: Partial<SiteOptions> = {};
  for (const key of Object.keys(DEFAULT_OPTIONS) as (keyof SiteOptions)[]) {
    const one = partialView.safeParse({ [key]: raw[key] });
    if (one.success && one.data[key] !== undefined) Object.assign(stored, { [key]: one.data[key] });
  }
  return { ...DEFAULT_OPTIONS, ...stored };
}

export const optionRoutes = router();
optionRoutes.use('/api/options', requireSession);

optionRoutes
  .openapi(
    createRoute({ method: 'get', path: '/api/options', tags: ['options'], summary: 'Site settings: name, USD to CNY rate, default currency', responses: { 200: json(AnyObject), ...errors } }),
    async (c) => c.json(await loadOptions(c.env), 200),
  )
  .openapi(
    createRoute({ method: 'put', path: '/api/options', tags: ['options'], summary: 'Change site settings (admin); answers all of them', request: jsonBody(OptionsInput), responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      requireAdmin(c);
      const body = c.req.valid('json');
      const now = Date.now();
      const statements = Object.entries(body)
        .filter(([, v]) => v !== undefined)
        .map(([key, value]) =>
          c.env.DB.prepare('INSERT INTO options (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
            .bind(key, JSON.stringify(value), now),
        );
      await c.env.DB.batch(statements);
      return c.json(await loadOptions(c.env), 200);
    },
  );
