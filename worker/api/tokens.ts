import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError, notFound } from '../lib/errors';
import { newApiKey, sha256Hex } from '../lib/crypto';
import { isIpOrCidr } from '../lib/ip';
import { isoOrNull } from '../lib/util';
import { accountOf } from '../account/stub';
import { forgetTokens, pricingSnapshot } from '../db/snapshots';
import type { TokenTruth } from '../account/types';
import { AnyObject, IdParam, errors, json, jsonBody, router } from './openapi';
import { currentUser, ownUserId, requireSession } from './session';

export interface TokenRow {
  id: number;
  user_id: number;
  name: string;
  key_hash: string;
  key_prefix: string;
  key_suffix: string;
  status: 'enabled' | 'disabled' | 'expired';
  remain_quota: number | null;
  used_quota: number;
  expires_at: number | null;
  models: string | null;
  allow_ips: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_concurrency: number | null;
  group: string | null;
  disabled_by: 'user' | 'admin' | null;
  created_at: number;
  updated_at: number;
}

/** A key past its expiry reads as expired before the expiry job has marked it. */
export const effectiveStatus = (r: Pick<TokenRow, 'status' | 'expires_at'>) =>
  r.status === 'enabled' && r.expires_at !== null && r.expires_at <= Date.now() ? 'expired' : r.status;

export function tokenView(r: TokenRow) {
  return {
    id: r.id,
    user_id: r.user_id,
    name: r.name,
    key: `${r.key_prefix}...${r.key_suffix}`,
    status: effectiveStatus(r),
    remain_quota: r.remain_quota,
    used_quota: r.used_quota,
    expires_at: isoOrNull(r.expires_at),
    models: r.models ? (JSON.parse(r.models) as string[] | null) : null,
    allow_ips: r.allow_ips ? (JSON.parse(r.allow_ips) as string[] | null) : null,
    rpm_limit: r.rpm_limit,
    tpm_limit: r.tpm_limit,
    max_concurrency: r.max_concurrency,
    group: r.group,
    disabled_by: r.disabled_by,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}

const ExpiresAt = z.union([z.iso.datetime({ offset: true }), z.null()]);
const Models = z.array(z.string().min(1).max(128)).max(500).nullable();
const AllowIps = z
  .array(z.string().refine(isIpOrCidr, 'each entry must be an IPv4/IPv6 address or CIDR (an IPv4-mapped range needs /96 or longer)'))
  .max(200)
  .nullable();
const Limit = z.number().int().positive().max(1_000_000_000).nullable();

const TokenFields = z.object({
  name: z.string().trim().min(1).max(64),
  remain_quota: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable(),
  expires_at: ExpiresAt,
  models: Models,
  allow_ips: AllowIps,
  rpm_limit: Limit,
  tpm_limit: Limit,
  max_concurrency: Limit,
  group: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).nullable(),
});

const CreateToken = TokenFields.partial().extend({ name: TokenFields.shape.name, user_id: z.number().int().positive().optional() });
const PatchToken = TokenFields.partial()
  .extend({ status: z.enum(['enabled', 'disabled']).optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one field to change' });

function parseExpiry(v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  const ms = Date.parse(v);
  if (ms <= Date.now()) throw new ApiError(400, 'invalid_request', 'expires_at: must be in the future');
  return ms;
}

/** A customer may not pick a group: that would let them choose a cheaper price. */
function checkGroupChoice(c: Context<AppEnv>, group: string | null | undefined): void {
  if (group !== undefined && currentUser(c).role !== 'admin') {
    throw new ApiError(403, 'forbidden', 'group: only an administrator can set a key\'s group');
  }
}

/** A customer may lower their key's rate limits below their group's, never raise them above. */
async function checkLimitChoice(c: Context<AppEnv>, userId: number, tokenGroup: string | null, limits: { rpm_limit?: number | null; tpm_limit?: number | null }): Promise<void> {
  if (currentUser(c).role === 'admin') return;
  const asked = (['rpm_limit', 'tpm_limit'] as const).filter((k) => limits[k] !== undefined && limits[k] !== null);
  if (asked.length === 0) return;
  const group = tokenGroup ?? (await c.env.DB.prepare('SELECT "group" FROM users WHERE id = ?').bind(userId).first<{ group: string }>())?.group ?? 'default';
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
  const row = await c.env.DB.prepare('SELECT * FROM tokens WHERE id = ?').bind(id).first<TokenRow>();
  const me = currentUser(c);
  // Another user's token answers 404, so ids of others' keys cannot be probed.
  if (!row || (me.role !== 'admin' && row.user_id !== me.id)) throw notFound('token');
  return row;
}

/** The account object decides whether a key may be used; tell it of every change at once. */
async function syncTruth(c: Context<AppEnv>, row: Pick<TokenRow, 'id' | 'user_id' | 'status' | 'key_hash' | 'expires_at'>, deleted = false) {
  const truth: TokenTruth = deleted ? { status: 'deleted', keyHash: null, expiresAt: null } : { status: row.status, keyHash: row.key_hash, expiresAt: row.expires_at };
  await accountOf(c.env, row.user_id).syncToken(row.user_id, row.id, truth);
}

export const tokenRoutes = router();
tokenRoutes.use('/api/tokens', requireSession);
tokenRoutes.use('/api/tokens/*', requireSession);

tokenRoutes
  .openapi(
    createRoute({
      method: 'post', path: '/api/tokens', tags: ['tokens'], summary: 'Create an API key; the key is shown this once',
      request: jsonBody(CreateToken), responses: { 201: json(AnyObject), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const userId = ownUserId(c, body.user_id);
      checkGroupChoice(c, body.group);
      await checkLimitChoice(c, userId, body.group ?? null, body);
      const owner = await c.env.DB.prepare('SELECT id FROM users WHERE id = ?').bind(userId).first();
      if (!owner) throw new ApiError(400, 'invalid_request', 'user_id: no such user');
      const key = newApiKey();
      const keyHash = await sha256Hex(key);
      const now = Date.now();
      const row = await c.env.DB.prepare(
        `INSERT INTO tokens (user_id, name, key_hash, key_prefix, key_suffix, status, remain_quota, used_quota, expires_at, models,
           allow_ips, rpm_limit, tpm_limit, max_concurrency, "group", created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'enabled', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
        .bind(
          userId, body.name, keyHash, key.slice(0, 7), key.slice(-4), body.remain_quota ?? null, parseExpiry(body.expires_at) ?? null,
          body.models ? JSON.stringify(body.models) : null, body.allow_ips ? JSON.stringify(body.allow_ips) : null,
          body.rpm_limit ?? null, body.tpm_limit ?? null, body.max_concurrency ?? null, body.group ?? null, now, now,
        )
        .first<TokenRow>();
      await syncTruth(c, row!);
      return c.json({ ...tokenView(row!), key }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/tokens', tags: ['tokens'], summary: 'List keys (masked)',
      request: { query: z.object({ user_id: z.coerce.number().int().positive().optional() }) },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      const { user_id } = c.req.valid('query');
      const me = currentUser(c);
      const userId = me.role === 'admin' ? (user_id ?? null) : ownUserId(c, user_id);
      const { results } = await c.env.DB.prepare('SELECT * FROM tokens WHERE (?1 IS NULL OR user_id = ?1) ORDER BY id DESC LIMIT 1000')
        .bind(userId)
        .all<TokenRow>();
      return c.json({ items: results.map(tokenView) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/api/tokens/{id}', tags: ['tokens'], summary: 'One key (masked)', request: { params: IdParam }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => c.json(tokenView(await loadOwnToken(c, c.req.valid('param').id)), 200),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/api/tokens/{id}', tags: ['tokens'], summary: 'Change a key; a disabled key is refused on its next request', request: { params: IdParam, ...jsonBody(PatchToken) }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      checkGroupChoice(c, body.group);
      const row = await loadOwnToken(c, id);
      const me = currentUser(c);
      await checkLimitChoice(c, row.user_id, row.group, body);
      if (body.status === 'enabled' && row.disabled_by === 'admin' && me.role !== 'admin') {
        throw new ApiError(403, 'forbidden', 'status: an administrator disabled this key; ask them to enable it');
      }
      const columns: Record<string, string | number | null> = {};
      if (body.name !== undefined) columns.name = body.name;
      if (body.status !== undefined) {
        columns.status = body.status;
        // An administrator's disable stays theirs, even if the customer disables the key again.
        columns.disabled_by = body.status === 'enabled' ? null : row.disabled_by === 'admin' ? 'admin' : me.role;
      }
      if (body.expires_at !== undefined) {
        columns.expires_at = parseExpiry(body.expires_at) ?? null;
        if (row.status === 'expired' && body.status === undefined) columns.status = 'enabled';
      }
      if (body.models !== undefined) columns.models = body.models ? JSON.stringify(body.models) : null;
      if (body.allow_ips !== undefined) columns.allow_ips = body.allow_ips ? JSON.stringify(body.allow_ips) : null;
      for (const k of ['rpm_limit', 'tpm_limit', 'max_concurrency'] as const) if (body[k] !== undefined) columns[k] = body[k];
      if (body.group !== undefined) columns['"group"'] = body.group;
      const names = Object.keys(columns);
      const updated = await c.env.DB.prepare(`UPDATE tokens SET ${names.map((n) => `${n} = ?`).join(', ')}${names.length ? ', ' : ''}updated_at = ? WHERE id = ? RETURNING *`)
        .bind(...Object.values(columns), Date.now(), id)
        .first<TokenRow>();
      // The cap lives in the account object; it writes the column itself.
      if (body.remain_quota !== undefined) await accountOf(c.env, row.user_id).setTokenCap(row.user_id, id, body.remain_quota);
      await syncTruth(c, updated!);
      await forgetTokens(c.env, [row.key_hash]);
      const fresh = await c.env.DB.prepare('SELECT * FROM tokens WHERE id = ?').bind(id).first<TokenRow>();
      return c.json(tokenView(fresh!), 200);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/api/tokens/{id}', tags: ['tokens'], summary: 'Delete a key; it is refused on its next request', request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errors } }),
    async (c) => {
      const row = await loadOwnToken(c, c.req.valid('param').id);
      await syncTruth(c, row, true);
      await c.env.DB.prepare('DELETE FROM tokens WHERE id = ?').bind(row.id).run();
      await forgetTokens(c.env, [row.key_hash]);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/api/tokens/{id}/rotate', tags: ['tokens'], summary: 'Replace the key; the old one is refused on its next request', request: { params: IdParam }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      const row = await loadOwnToken(c, c.req.valid('param').id);
      const key = newApiKey();
      const keyHash = await sha256Hex(key);
      const updated = await c.env.DB.prepare('UPDATE tokens SET key_hash = ?, key_prefix = ?, key_suffix = ?, updated_at = ? WHERE id = ? RETURNING *')
        .bind(keyHash, key.slice(0, 7), key.slice(-4), Date.now(), row.id)
        .first<TokenRow>();
      await syncTruth(c, updated!);
      await forgetTokens(c.env, [row.key_hash]);
      return c.json({ ...tokenView(updated!), key }, 200);
    },
  );
