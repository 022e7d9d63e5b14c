import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError, notFound } from '../lib/errors';
import { newApiKey, sha256Hex } from '../lib/crypto';
import { isIpOrCidr } from '../lib/ip';
import { accountOf } from '../account/client';
import { forgetTokens, pricingSnapshot } from '../db/snapshots';
import { dbOf } from '../db/client';
import {
  deleteToken,
  insertToken,
  rotateTokenKey,
  tokenById,
  tokensOf,
  updateToken,
  type TokenChange,
  type TokenRow,
} from '../db/tokens';
import { userExists, userGroup } from '../db/users';
import type { TokenTruth } from '../account/types';
import { IdParam, errors, json, jsonBody, router } from './openapi';
import { GroupName, Iso, ModelName, Name, Units, isoOf, isoOrNull, listOf } from './fields';
import { currentUser, ownUserId, requireSession } from './session';
import { audit, fieldsOf, type AuditEntry } from '../security/audit';

/** A key past its expiry reads as expired before the expiry job has marked it. */
export const effectiveStatus = (r: Pick<TokenRow, 'status' | 'expiresAt'>) =>
  r.status === 'enabled' && r.expiresAt !== null && r.expiresAt <= Date.now() ? 'expired' : r.status;

export const TokenView = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    name: z.string(),
    /** Masked: the key itself is shown once, when it is created or rotated. */
    key: z.string(),
    status: z.enum(['enabled', 'disabled', 'expired']),
    remain_quota: z.number().int().nullable(),
    used_quota: z.number().int(),
    expires_at: Iso.nullable(),
    models: z.array(z.string()).nullable(),
    allow_ips: z.array(z.string()).nullable(),
    rpm_limit: z.number().int().nullable(),
    tpm_limit: z.number().int().nullable(),
    max_concurrency: z.number().int().nullable(),
    /** Served from the owner's plans only: a full window answers 429 `plan_window_exhausted` instead of charging the balance. */
    plan_only: z.boolean(),
    group: z.string().nullable(),
    disabled_by: z.enum(['user', 'admin']).nullable(),
    created_at: Iso,
    updated_at: Iso,
  })
  .openapi('Token');
export type TokenView = z.infer<typeof TokenView>;

/** A token with its key, shown this once. */
export const NewTokenView = TokenView.extend({
  key: z.string().openapi({ description: 'sk- and 48 letters or digits, shown this once' }),
}).openapi('NewToken');

export function tokenView(r: TokenRow): TokenView {
  return {
    id: r.id,
    user_id: r.userId,
    name: r.name,
    key: `${r.keyPrefix}...${r.keySuffix}`,
    status: effectiveStatus(r),
    remain_quota: r.remainQuota,
    used_quota: r.usedQuota,
    expires_at: isoOrNull(r.expiresAt),
    models: r.models ?? null,
    allow_ips: r.allowIps ?? null,
    rpm_limit: r.rpmLimit,
    tpm_limit: r.tpmLimit,
    max_concurrency: r.maxConcurrency,
    plan_only: r.planOnly,
    group: r.group,
    disabled_by: r.disabledBy,
    created_at: isoOf(r.createdAt),
    updated_at: isoOf(r.updatedAt),
  };
}

const ExpiresAt = z.union([z.iso.datetime({ offset: true }), z.null()]);
const AllowIps = z
  .array(
    z
      .string()
      .refine(isIpOrCidr, 'each entry must be an IPv4/IPv6 address or CIDR (an IPv4-mapped range needs /96 or longer)'),
  )
  .max(200)
  .nullable();
const RateLimit = z.number().int().positive().max(1_000_000_000).nullable();

const TokenFields = {
  name: Name,
  remain_quota: Units.nullable(),
  expires_at: ExpiresAt,
  models: z.array(ModelName).max(500).nullable(),
  allow_ips: AllowIps,
  rpm_limit: RateLimit,
  tpm_limit: RateLimit,
  max_concurrency: RateLimit,
  plan_only: z.boolean(),
  group: GroupName.nullable(),
};

const CreateToken = z
  .object(TokenFields)
  .partial()
  .extend({ name: TokenFields.name, user_id: z.number().int().positive().optional() });
const PatchToken = z
  .object({ ...TokenFields, status: z.enum(['enabled', 'disabled']) })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one field to change' });

function parseExpiry(v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  const ms = Date.parse(v);
  if (ms <= Date.now()) throw new ApiError(400, 'invalid_request', 'expires_at: must be in the future');
  return ms;
}

/** A customer may not pick a group: that would let them choose a cheaper price. */
function checkGroupChoice(c: Context<AppEnv>, group: string | null | undefined): void {
  if (group !== undefined && currentUser(c).role !== 'admin') {
    throw new ApiError(403, 'forbidden', "group: only an administrator can set a key's group");
  }
}

/** A customer may lower their key's rate limits below their group's, never raise them above. */
async function checkLimitChoice(
  c: Context<AppEnv>,
  userId: number,
  tokenGroup: string | null,
  limits: { rpm_limit?: number | null; tpm_limit?: number | null },
): Promise<void> {
  if (currentUser(c).role === 'admin') return;
  const asked = (['rpm_limit', 'tpm_limit'] as const).filter((k) => limits[k] !== undefined && limits[k] !== null);
  if (asked.length === 0) return;
  const group = tokenGroup ?? (await userGroup(dbOf(c.env.DB), userId)) ?? 'default';
  const groupLimits = (await pricingSnapshot(c.env)).groups[group];
  for (const k of asked) {
    const ceiling = k === 'rpm_limit' ? groupLimits?.rpmLimit : groupLimits?.tpmLimit;
    const value = limits[k];
    if (ceiling !== null && ceiling !== undefined && value !== null && value !== undefined && value > ceiling) {
      throw new ApiError(403, 'forbidden', `${k}: your group allows at most ${ceiling}; a key may only lower it`);
    }
  }
}

async function loadOwnToken(c: Context<AppEnv>, id: number): Promise<TokenRow> {
  const row = await tokenById(dbOf(c.env.DB), id);
  const me = currentUser(c);
  // Another user's token answers 404, so ids of others' keys cannot be probed.
  if (!row || (me.role !== 'admin' && row.userId !== me.id)) throw notFound('token');
  return row;
}

/** The account object decides whether a key may be used; tell it of every change at once. */
async function syncTruth(
  c: Context<AppEnv>,
  row: Pick<TokenRow, 'id' | 'userId' | 'status' | 'keyHash' | 'expiresAt'>,
  deleted = false,
) {
  const truth: TokenTruth = deleted
    ? { status: 'deleted', keyHash: null, expiresAt: null }
    : { status: row.status, keyHash: row.keyHash, expiresAt: row.expiresAt };
  await accountOf(c.env, row.userId).syncToken(row.id, truth);
}

/** The columns a PATCH changes; the cap lives in the account object, which writes it itself. */
function tokenChange(body: z.infer<typeof PatchToken>, row: TokenRow, role: 'admin' | 'user'): TokenChange {
  const change: TokenChange = {};
  if (body.name !== undefined) change.name = body.name;
  if (body.status !== undefined) {
    change.status = body.status;
    // An administrator's disable stays theirs, even if the customer disables the key again.
    change.disabledBy = body.status === 'enabled' ? null : row.disabledBy === 'admin' ? 'admin' : role;
  }
  if (body.expires_at !== undefined) {
    change.expiresAt = parseExpiry(body.expires_at) ?? null;
    if (row.status === 'expired' && body.status === undefined) change.status = 'enabled';
  }
  if (body.models !== undefined) change.models = body.models;
  if (body.allow_ips !== undefined) change.allowIps = body.allow_ips;
  if (body.rpm_limit !== undefined) change.rpmLimit = body.rpm_limit;
  if (body.tpm_limit !== undefined) change.tpmLimit = body.tpm_limit;
  if (body.max_concurrency !== undefined) change.maxConcurrency = body.max_concurrency;
  if (body.plan_only !== undefined) change.planOnly = body.plan_only;
  if (body.group !== undefined) change.group = body.group;
  return change;
}

/** What an admin does to keys (their own or anyone's) is audited; a customer's own changes are not. */
async function adminAudit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  if (currentUser(c).role === 'admin') await audit(c, entry);
}

export const tokenRoutes = router();
tokenRoutes.use('/api/tokens', requireSession);
tokenRoutes.use('/api/tokens/*', requireSession);

tokenRoutes
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/tokens',
      tags: ['tokens'],
      summary: 'Create an API key; the key is shown this once',
      request: jsonBody(CreateToken),
      responses: { 201: json(NewTokenView), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const userId = ownUserId(c, body.user_id);
      checkGroupChoice(c, body.group);
      await checkLimitChoice(c, userId, body.group ?? null, body);
      const db = dbOf(c.env.DB);
      if (!(await userExists(db, userId))) throw new ApiError(400, 'invalid_request', 'user_id: no such user');
      const key = newApiKey();
      const now = Date.now();
      const row = await insertToken(db, {
        userId,
        name: body.name,
        keyHash: await sha256Hex(key),
        keyPrefix: key.slice(0, 7),
        keySuffix: key.slice(-4),
        status: 'enabled',
        remainQuota: body.remain_quota ?? null,
        usedQuota: 0,
        expiresAt: parseExpiry(body.expires_at) ?? null,
        models: body.models ?? null,
        allowIps: body.allow_ips ?? null,
        rpmLimit: body.rpm_limit ?? null,
        tpmLimit: body.tpm_limit ?? null,
        maxConcurrency: body.max_concurrency ?? null,
        planOnly: body.plan_only ?? false,
        group: body.group ?? null,
        createdAt: now,
        updatedAt: now,
      });
      await syncTruth(c, row);
      await adminAudit(c, {
        action: 'token.create',
        target: `token:${row.id}`,
        summary: `"${row.name}" for user ${userId}`,
      });
      return c.json({ ...tokenView(row), key }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/tokens',
      tags: ['tokens'],
      summary: 'List keys (masked)',
      request: { query: z.object({ user_id: z.coerce.number().int().positive().optional() }) },
      responses: { 200: json(listOf(TokenView)), ...errors },
    }),
    async (c) => {
      const { user_id } = c.req.valid('query');
      const me = currentUser(c);
      const userId = me.role === 'admin' ? (user_id ?? null) : ownUserId(c, user_id);
      const rows = await tokensOf(dbOf(c.env.DB), userId);
      return c.json({ items: rows.map(tokenView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/tokens/{id}',
      tags: ['tokens'],
      summary: 'One key (masked)',
      request: { params: IdParam },
      responses: { 200: json(TokenView), ...errors },
    }),
    async (c) => c.json(tokenView(await loadOwnToken(c, c.req.valid('param').id)), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/tokens/{id}',
      tags: ['tokens'],
      summary:
        "Change a key; a disabled key is refused on its next request. A customer may only lower rate limits below the group's, and may not re-enable a key an admin disabled",
      request: { params: IdParam, ...jsonBody(PatchToken) },
      responses: { 200: json(TokenView), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      checkGroupChoice(c, body.group);
      const row = await loadOwnToken(c, id);
      const me = currentUser(c);
      await checkLimitChoice(c, row.userId, row.group, body);
      if (body.status === 'enabled' && row.disabledBy === 'admin' && me.role !== 'admin') {
        throw new ApiError(403, 'forbidden', 'status: an administrator disabled this key; ask them to enable it');
      }
      const db = dbOf(c.env.DB);
      const updated = await updateToken(db, id, tokenChange(body, row, me.role), Date.now());
      if (body.remain_quota !== undefined) await accountOf(c.env, row.userId).setTokenCap(id, body.remain_quota);
      await syncTruth(c, updated);
      await forgetTokens(c.env, [row.keyHash]);
      await adminAudit(c, {
        action: 'token.update',
        target: `token:${id}`,
        summary: `user ${row.userId}: changed ${fieldsOf(body)}${body.status ? `; status ${body.status}` : ''}`,
      });
      return c.json(tokenView((await tokenById(db, id)) ?? updated), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/api/tokens/{id}',
      tags: ['tokens'],
      summary: 'Delete a key; it is refused on its next request',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      const row = await loadOwnToken(c, c.req.valid('param').id);
      await syncTruth(c, row, true);
      await deleteToken(dbOf(c.env.DB), row.id);
      await forgetTokens(c.env, [row.keyHash]);
      await adminAudit(c, {
        action: 'token.delete',
        target: `token:${row.id}`,
        summary: `"${row.name}" of user ${row.userId}`,
      });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/tokens/{id}/rotate',
      tags: ['tokens'],
      summary: 'Replace the key; the old one is refused on its next request',
      request: { params: IdParam },
      responses: { 200: json(NewTokenView), ...errors },
    }),
    async (c) => {
      const row = await loadOwnToken(c, c.req.valid('param').id);
      const key = newApiKey();
      const rotated = await rotateTokenKey(
        dbOf(c.env.DB),
        row.id,
        { keyHash: await sha256Hex(key), keyPrefix: key.slice(0, 7), keySuffix: key.slice(-4) },
        Date.now(),
      );
      await syncTruth(c, rotated);
      await forgetTokens(c.env, [row.keyHash]);
      await adminAudit(c, {
        action: 'token.rotate',
        target: `token:${row.id}`,
        summary: `new key for "${row.name}" of user ${row.userId}`,
      });
      return c.json({ ...tokenView(rotated), key }, 200);
    },
  );
