import { createRoute } from '@hono/zod-openapi';
import { errors, json, jsonBody, router } from './openapi';
import { dbOf, runBatch } from '../db/client';
import { setOption } from '../db/options';
import { requireAdmin, requireSession } from './session';
import { auditStatement } from '../security/audit';
import { settingsOf } from '../env';
import { stripeSetup } from '../payments/stripe';
import { assertStripeCurrency } from '../payments/orders';
import { loadOptions, mergeTopup, OptionsInput, OptionsView, type SiteOptions } from '../site/options';

export const optionRoutes = router();
optionRoutes.use('/api/options', requireSession);

optionRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/options',
      tags: ['options'],
      summary: 'Site settings: name, USD to CNY rate, default currency, top-up',
      responses: { 200: json(OptionsView), ...errors },
    }),
    async (c) => c.json(await loadOptions(c.env), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/options',
      tags: ['options'],
      summary: 'Change site settings (admin); `topup` merges with what is set; answers all of them',
      request: jsonBody(OptionsInput),
      responses: { 200: json(OptionsView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const body = c.req.valid('json');
      if (body.topup?.currency && stripeSetup(settingsOf(c.env))) assertStripeCurrency(body.topup.currency);
      const now = Date.now();
      const db = dbOf(c.env.DB);
      const current = await loadOptions(c.env);
      const values: Partial<SiteOptions> = {
        ...body,
        topup: body.topup ? mergeTopup(current.topup, body.topup) : undefined,
        signup: body.signup ? { ...current.signup, ...body.signup } : undefined,
        security: body.security ? { ...current.security, ...body.security } : undefined,
        price_sync: body.price_sync ? { ...current.price_sync, ...body.price_sync } : undefined,
        referral: body.referral ? { ...current.referral, ...body.referral } : undefined,
      };
      const changed = Object.entries(values).filter(([, v]) => v !== undefined);
      const summary = `set ${changed.map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join('; ')}`;
      await runBatch(db, [
        ...changed.map(([key, value]) => setOption(db, key, value, now)),
        auditStatement(c, { action: 'options.update', target: 'options', summary }),
      ]);
      return c.json(await loadOptions(c.env), 200);
    },
  );
