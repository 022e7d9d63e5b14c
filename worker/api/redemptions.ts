import { createRoute, z } from '@hono/zod-openapi';
import { dbOf } from '../db/client';
import { codesPage } from '../db/redemptions';
import { makeCodes, redeemCode } from '../payments/codes';
import { errors, json, jsonBody, router } from './openapi';
import { Cursor, Iso, Limit, Name, Units, isoOf, isoOrNull, pageOf } from './fields';
import { adminOnly, currentUser, requireAdmin, requireSession } from './session';
import { ApiError } from '../lib/errors';
import { audit } from '../security/audit';

export const CodeView = z
  .object({
    id: z.number().int(),
    /** Masked: a code is shown once, when it is made. */
    code: z.string(),
    name: z.string().nullable(),
    quota: z.number().int(),
    created_at: Iso,
    expires_at: Iso.nullable(),
    used_by: z.number().int().nullable(),
    used_at: Iso.nullable(),
  })
  .openapi('RedemptionCode');

export const redemptionRoutes = router();
redemptionRoutes.use('/api/redemptions', requireSession);
redemptionRoutes.use('/api/redemptions/*', requireSession);
redemptionRoutes.on(['POST', 'GET'], '/api/redemptions', adminOnly);

redemptionRoutes
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/redemptions',
      tags: ['redemption codes'],
      summary: 'Make a batch of codes (admin); the codes are shown this once',
      request: jsonBody(
        z.object({
          count: z.number().int().min(1).max(1000),
          quota: Units.min(1),
          expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
          name: Name.optional(),
        }),
      ),
      responses: { 201: json(z.object({ codes: z.array(z.string()) })), ...errors },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      const body = c.req.valid('json');
      const expiresAt = body.expires_at ? Date.parse(body.expires_at) : null;
      if (expiresAt !== null && expiresAt <= Date.now())
        throw new ApiError(400, 'invalid_request', 'expires_at: must be in the future');
      const codes = await makeCodes(c.env, body.count, body.quota, expiresAt, body.name ?? null, admin.id);
      await audit(c, {
        action: 'codes.create',
        target: null,
        summary: `${body.count} code(s) of ${body.quota} units${body.name ? `, "${body.name}"` : ''}${body.expires_at ? `, expiring ${body.expires_at}` : ''}`,
      });
      return c.json({ codes }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/redemptions',
      tags: ['redemption codes'],
      summary: 'Codes, newest first, masked, with who used them (admin)',
      request: { query: z.object({ limit: Limit(500, 100), cursor: Cursor }) },
      responses: { 200: json(pageOf(CodeView)), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const q = c.req.valid('query');
      const { items, next } = await codesPage(dbOf(c.env.DB), q.cursor, q.limit);
      return c.json(
        {
          items: items.map((r) => ({
            id: r.id,
            code: `${r.codePrefix}…`,
            name: r.name,
            quota: r.quota,
            created_at: isoOf(r.createdAt),
            expires_at: isoOrNull(r.expiresAt),
            used_by: r.usedBy,
            used_at: isoOrNull(r.usedAt),
          })),
          next_cursor: next === null ? null : String(next),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/redemptions/redeem',
      tags: ['redemption codes'],
      summary: 'Redeem a code: credited once, however many try it at the same moment',
      request: jsonBody(z.object({ code: z.string().trim().min(1).max(200) })),
      responses: {
        200: json(z.object({ credited: z.number().int(), quota: z.number().int() })),
        ...errors,
        409: errors[400],
      },
    }),
    async (c) => c.json(await redeemCode(c.env, currentUser(c).id, c.req.valid('json').code), 200),
  );
