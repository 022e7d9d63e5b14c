/** A customer's mail settings: the address, and which notices to send to it. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { dbOf } from '../db/client';
import { mailTarget, saveNotify, type MailTarget, type NotifyChange } from '../db/notify';
import { notFound } from '../lib/errors';
import { requestLinkBase } from '../mail/base';
import { syncNotify } from '../mail/sync';
import { changeEmail } from './email-change';
import { ErrorSchema, errors, json, jsonBody, router } from './openapi';
import { ModelName, Units } from './fields';
import { currentUser, requireSession } from './session';

export const Email = z.string().trim().toLowerCase().max(254).email('must be an email address');

export const NotificationsView = z
  .object({
    email: z
      .string()
      .nullable()
      .openapi({ description: 'The confirmed address: the only one that receives notices and resets' }),
    pending_email: z
      .string()
      .nullable()
      .openapi({ description: 'A new address waiting for its confirmation link (24 hours)' }),
    price_changes: z.object({
      enabled: z.boolean(),
      models: z.array(z.string()).nullable().openapi({ description: 'null: every model' }),
    }),
    new_ip: z.boolean(),
    low_balance: z.number().int().nullable().openapi({ description: 'Units; null: no notice' }),
  })
  .openapi('Notifications');

const NotificationsInput = z
  .object({
    email: Email.nullable(),
    current_password: z.string().min(1).max(256).openapi({ description: 'Needed to change `email`' }),
    price_changes: z
      .object({ enabled: z.boolean(), models: z.array(ModelName).max(500).nullable() })
      .partial()
      .strict(),
    new_ip: z.boolean(),
    low_balance: Units.nullable(),
  })
  .partial()
  .strict()
  .openapi('NotificationsChange');

export function notificationsView(t: MailTarget): z.infer<typeof NotificationsView> {
  const s = t.settings;
  return {
    email: t.email,
    pending_email: t.pendingEmail,
    price_changes: { enabled: s.priceChanges, models: s.priceModels },
    new_ip: s.newIp,
    low_balance: s.lowBalance,
  };
}

/** The dashboard's language and currency, so mails are written as the customer reads the site. */
function readerPrefs(c: Context<AppEnv>): NotifyChange {
  const lang = getCookie(c, 'lang') ?? (/^\s*zh\b/i.test(c.req.header('accept-language') ?? '') ? 'zh' : 'en');
  const currency = getCookie(c, 'currency');
  return { lang: lang === 'zh' ? 'zh' : 'en', ...(currency === 'USD' || currency === 'CNY' ? { currency } : {}) };
}

function settingsChange(body: z.infer<typeof NotificationsInput>): NotifyChange {
  const change: NotifyChange = {};
  if (body.price_changes?.enabled !== undefined) change.priceChanges = body.price_changes.enabled;
  if (body.price_changes?.models !== undefined)
    change.priceModels = body.price_changes.models === null ? null : [...new Set(body.price_changes.models)];
  if (body.new_ip !== undefined) change.newIp = body.new_ip;
  if (body.low_balance !== undefined) change.lowBalance = body.low_balance;
  return change;
}

async function loadTarget(c: Context<AppEnv>, userId: number): Promise<MailTarget> {
  const target = await mailTarget(dbOf(c.env.DB), userId);
  if (!target) throw notFound('user');
  return target;
}

export const notificationRoutes = router();
notificationRoutes.use('/api/notifications', requireSession);

notificationRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/notifications',
      tags: ['notifications'],
      summary: 'Your mail settings',
      responses: { 200: json(NotificationsView), ...errors },
    }),
    async (c) => c.json(notificationsView(await loadTarget(c, currentUser(c).id)), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/notifications',
      tags: ['notifications'],
      summary:
        'Change your mail settings (any of the fields); a new address needs current_password and takes effect once the link mailed to it is opened',
      request: jsonBody(NotificationsInput),
      responses: {
        200: json(NotificationsView),
        409: json(ErrorSchema, 'The address belongs to another account'),
        ...errors,
      },
    }),
    async (c) => {
      const me = currentUser(c);
      const body = c.req.valid('json');
      const before = await loadTarget(c, me.id);
      if (body.email !== undefined) await changeEmail(c, before, body.email, body.current_password);
      await saveNotify(dbOf(c.env.DB), me.id, { ...settingsChange(body), ...readerPrefs(c) }, Date.now());
      await syncNotify(c.env, me.id, requestLinkBase(c));
      return c.json(notificationsView(await loadTarget(c, me.id)), 200);
    },
  );
