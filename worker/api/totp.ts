/**
 * Two-factor sign-in for any user (worker/security/totp.ts): set up a secret, turn it on with a
 * code from the app, turn it off with a code. The login then needs `totp` (worker/security/login.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, conflict } from '../lib/errors';
import { dbOf } from '../db/client';
import { deleteTotp, totpEnabled } from '../db/totp';
import { startSetup, useCode } from '../security/totp';
import { loadOptions } from '../site/options';
import { ErrorSchema, errors, json, jsonBody, router } from './openapi';
import { currentUser, requireSession } from './session';

const TotpSetup = z
  .object({
    secret: z.string().openapi({ description: 'Base32; for an app that cannot scan the QR code' }),
    otpauth_url: z.string().openapi({
      example: 'otpauth://totp/LLM%20Relay:alice?issuer=LLM%20Relay&secret=...&algorithm=SHA1&digits=6&period=30',
    }),
  })
  .openapi('TotpSetup');
const TotpState = z.object({ enabled: z.boolean() }).openapi('TotpState');
const CodeBody = z.object({ code: z.string().regex(/^\d{6}$/, 'the 6 digits the app shows') }).strict();

const wrongCode = () => new ApiError(400, 'invalid_request', 'code: wrong, expired or used already');

export const totpRoutes = router();
totpRoutes.use('/api/auth/totp', requireSession);
totpRoutes.use('/api/auth/totp/*', requireSession);

totpRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/totp',
      tags: ['auth'],
      summary: 'Whether two-factor sign-in is on',
      responses: { 200: json(TotpState), ...errors },
    }),
    async (c) => c.json({ enabled: await totpEnabled(dbOf(c.env.DB), currentUser(c).id) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/totp/setup',
      tags: ['auth'],
      summary: 'A new TOTP secret (RFC 6238: SHA-1, 30 s, 6 digits), pending until enabled with a code',
      responses: {
        200: json(TotpSetup),
        409: json(ErrorSchema, 'Two-factor sign-in is on already: turn it off first'),
        ...errors,
      },
    }),
    async (c) => {
      const me = currentUser(c);
      const made = await startSetup(c.env, me, (await loadOptions(c.env)).site_name);
      if (!made) throw conflict('two-factor sign-in is on already; turn it off first to set up a new secret');
      return c.json(made, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/totp/enable',
      tags: ['auth'],
      summary: 'Turn two-factor sign-in on with a code for the secret from setup',
      request: jsonBody(CodeBody),
      responses: { 200: json(TotpState), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const check = await useCode(c.env, me.id, c.req.valid('json').code, true);
      if (check === 'none')
        throw new ApiError(
          400,
          'invalid_request',
          'code: set up a secret first (POST /api/auth/totp/setup), or it is on already',
        );
      if (check === 'wrong') throw wrongCode();
      return c.json({ enabled: true }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/totp/disable',
      tags: ['auth'],
      summary: 'Turn two-factor sign-in off with a current code',
      request: jsonBody(CodeBody),
      responses: { 200: json(TotpState), ...errors },
    }),
    async (c) => {
      const me = currentUser(c);
      const check = await useCode(c.env, me.id, c.req.valid('json').code);
      if (check === 'none') throw new ApiError(400, 'invalid_request', 'code: two-factor sign-in is not on');
      if (check === 'wrong') throw wrongCode();
      await deleteTotp(dbOf(c.env.DB), me.id);
      return c.json({ enabled: false }, 200);
    },
  );
