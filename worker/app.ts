import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-types';
import { ApiError } from './lib/errors';
import { newRequestId } from './lib/util';
import { limitBody } from './lib/body-limit';
import { SettingsError, settingsOf } from './env';
import { ensureRootAdmin } from './api/bootstrap';
import { authRoutes } from './api/auth';
import { userRoutes } from './api/users';
import { tokenRoutes } from './api/tokens';
import { channelRoutes } from './api/channels';
import { eventRoutes } from './api/events';
import { topupRoutes } from './api/topup';
import { paymentRoutes } from './api/payments';
import { redemptionRoutes } from './api/redemptions';
import { pricingRoutes } from './api/pricing';
import { pricingSyncRoutes } from './api/pricing-sync';
import { logRoutes } from './api/logs';
import { statsRoutes } from './api/stats';
import { maintenanceRoutes } from './api/maintenance';
import { optionRoutes } from './api/options';
import { noticeRoutes } from './api/notices';
import { notificationRoutes } from './api/notifications';
import { signupRoutes } from './api/signup';
import { totpRoutes } from './api/totp';
import { auditRoutes } from './api/audit';
import { referralRoutes } from './api/referrals';
import { planRoutes } from './api/plans';
import { Scalar } from '@scalar/hono-api-reference';
import { relayRoutes } from './relay/endpoints';
import { dashboardRoutes } from './dashboard/routes';

const API_MAX_BODY_BYTES = 1024 * 1024;
const isRelayPath = (path: string) => path.startsWith('/v1/') || path.startsWith('/v1beta/');

function renderError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return err.toResponse();
  // Hono's own validators throw these, e.g. for a body that is not JSON.
  if (err instanceof HTTPException) {
    const status = err.status;
    const code =
      status === 400
        ? 'invalid_request'
        : status === 401
          ? 'unauthorized'
          : status === 404
            ? 'not_found'
            : 'internal_error';
    return new ApiError(status, code, err.message || 'bad request').toResponse();
  }
  if (err instanceof SettingsError) {
    console.error(err.message);
    return new ApiError(500, 'internal_error', err.message).toResponse();
  }
  console.error(
    `unhandled error on ${c.req.method} ${new URL(c.req.url).pathname}:`,
    err instanceof Error ? err.message : err,
  );
  return new ApiError(500, 'internal_error', 'internal error').toResponse();
}

export function buildApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  app.use('*', async (c, next) => {
    const requestId = newRequestId();
    c.set('requestId', requestId);
    settingsOf(c.env);
    await ensureRootAdmin(c.env);
    await next();
    try {
      c.res.headers.set('x-request-id', requestId);
    } catch {
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set('x-request-id', requestId);
    }
  });

  // A body over its limit is refused before it is parsed: MAX_BODY_BYTES for the relay, 1 MiB elsewhere.
  app.use(
    '*',
    limitBody((c) => (isRelayPath(c.req.path) ? settingsOf(c.env).MAX_BODY_BYTES : API_MAX_BODY_BYTES)),
  );
  app.route('/', relayRoutes);
  app.route('/', authRoutes);
  app.route('/', userRoutes);
  app.route('/', tokenRoutes);
  app.route('/', channelRoutes);
  app.route('/', eventRoutes);
  app.route('/', topupRoutes);
  app.route('/', paymentRoutes);
  app.route('/', redemptionRoutes);
  app.route('/', pricingSyncRoutes);
  app.route('/', pricingRoutes);
  app.route('/', logRoutes);
  app.route('/', statsRoutes);
  app.route('/', maintenanceRoutes);
  app.route('/', optionRoutes);
  app.route('/', noticeRoutes);
  app.route('/', notificationRoutes);
  app.route('/', signupRoutes);
  app.route('/', totpRoutes);
  app.route('/', auditRoutes);
  app.route('/', referralRoutes);
  app.route('/', planRoutes);

  const info = { title: 'LLM Relay management API', version: '1.0.0' };
  app.doc31('/api/openapi.json', { openapi: '3.1.0', info });
  // Scalar renders the document in the browser (its script comes from its CDN).
  app.get('/api/docs', Scalar({ url: '/api/openapi.json', pageTitle: `${info.title} API` }));

  app.route('/', dashboardRoutes);

  app.notFound((c) =>
    new ApiError(404, 'not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`).toResponse(),
  );
  app.onError(renderError);
  return app;
}
