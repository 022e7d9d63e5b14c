import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { Env } from '../env';
import { notFound } from '../lib/errors';
import { seal } from '../lib/crypto';
import { settingsOf } from '../env';
import { healthOf } from '../account/stub';
import { channelLists, refreshChannels } from '../db/snapshots';
import { CHANNEL_TYPES } from '../relay/providers';
import { testChannel } from '../relay/probe';
import { AnyObject, IdParam, errors, json, jsonBody, router } from './openapi';
import { adminOnly, requireAdmin, requireSession } from './session';

interface ChannelRow {
  id: number;
  name: string;
  type: string;
  base_url: string;
  key_count: number;
  models: string;
  model_mapping: string | null;
  groups: string;
  priority: number;
  weight: number;
  status: 'enabled' | 'disabled' | 'auto_disabled';
  status_reason: string | null;
  health_state: 'closed' | 'open' | 'half_open';
  consecutive_failures: number;
  last_error: string | null;
  latency_ms: number | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = `id, name, type, base_url, key_count, models, model_mapping, groups, priority, weight, status, status_reason,
  health_state, consecutive_failures, last_error, latency_ms, created_at, updated_at`;

async function channelView(env: Env, r: ChannelRow) {
  const live = await healthOf(env, r.id).view(r.id);
  const lists = channelLists(r);
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    base_url: r.base_url,
    key_count: r.key_count,
    models: lists.models,
    model_mapping: lists.modelMapping,
    groups: lists.groups,
    priority: r.priority,
    weight: r.weight,
    status: r.status,
    status_reason: r.status_reason,
    health: {
      state: live.state,
      consecutive_failures: live.consecutiveFailures,
      last_error: live.lastError ?? r.last_error,
      latency_ms: live.latencyMs ?? r.latency_ms,
    },
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}

export type ChannelView = Awaited<ReturnType<typeof channelView>>;

/** Every channel with its status and live health, as `GET /api/channels` and the dashboard show them. */
export async function listChannels(env: Env): Promise<ChannelView[]> {
  const { results } = await env.DB.prepare(`SELECT ${COLUMNS} FROM channels ORDER BY priority DESC, id`).all<ChannelRow>();
  return Promise.all(results.map((r) => channelView(env, r)));
}

const HttpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const Name = z.string().trim().min(1).max(128);
const ModelName = z.string().trim().min(1).max(256);

const ChannelFields = z.object({
  name: Name,
  type: z.enum(CHANNEL_TYPES),
  base_url: HttpUrl,
  keys: z.array(z.string().trim().min(1).max(4096)).min(1, 'give at least one key').max(1000),
  models: z.array(ModelName).min(1, 'give at least one model').max(2000),
  model_mapping: z.record(ModelName, ModelName).nullable(),
  groups: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)).min(1).max(100),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  weight: z.number().int().min(0).max(1_000_000),
  status: z.enum(['enabled', 'disabled']),
});

const CreateChannel = ChannelFields.partial({ model_mapping: true, groups: true, priority: true, weight: true, status: true });
const PatchChannel = ChannelFields.partial().refine((v) => Object.keys(v).length > 0, { message: 'give at least one field to change' });

async function loadRow(c: Context<AppEnv>, id: number): Promise<ChannelRow> {
  const row = await c.env.DB.prepare(`SELECT ${COLUMNS} FROM channels WHERE id = ?`).bind(id).first<ChannelRow>();
  if (!row) throw notFound('channel');
  return row;
}

export const channelRoutes = router();
channelRoutes.use('/api/channels', requireSession, adminOnly);
channelRoutes.use('/api/channels/*', requireSession, adminOnly);
channelRoutes.use('/api/events', requireSession, adminOnly);

channelRoutes
  .openapi(
    createRoute({ method: 'post', path: '/api/channels', tags: ['channels'], summary: 'Add an upstream channel (admin); keys are sealed and never echoed', request: jsonBody(CreateChannel), responses: { 201: json(AnyObject), ...errors } }),
    async (c) => {
      requireAdmin(c);
      const b = c.req.valid('json');
      const now = Date.now();
      const sealed = await seal(JSON.stringify(b.keys), settingsOf(c.env).ENCRYPTION_KEY);
      const row = await c.env.DB.prepare(
        `INSERT INTO channels (name, type, base_url, keys_sealed, key_count, models, model_mapping, groups, priority, weight, status,
           health_state, consecutive_failures, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'closed', 0, ?, ?) RETURNING ${COLUMNS}`,
      )
        .bind(b.name, b.type, b.base_url, sealed, b.keys.length, JSON.stringify(b.models), b.model_mapping ? JSON.stringify(b.model_mapping) : null,
          JSON.stringify(b.groups ?? ['default']), b.priority ?? 0, b.weight ?? 1, b.status ?? 'enabled', now, now)
        .first<ChannelRow>();
      await refreshChannels(c.env);
      return c.json(await channelView(c.env, row!), 201);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/api/channels', tags: ['channels'], summary: 'Channels with status and health (admin)', responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      requireAdmin(c);
      return c.json({ items: await listChannels(c.env) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/api/channels/{id}', tags: ['channels'], summary: 'One channel (admin)', request: { params: IdParam }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      requireAdmin(c);
      return c.json(await channelView(c.env, await loadRow(c, c.req.valid('param').id)), 200);
    },
  )
  .openapi(
    createRoute({ method: 'patch', path: '/api/channels/{id}', tags: ['channels'], summary: 'Change a channel (admin)', request: { params: IdParam, ...jsonBody(PatchChannel) }, responses: { 200: json(AnyObject), ...errors } }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      await loadRow(c, id);
      const cols: Record<string, string | number | null> = {};
      if (b.name !== undefined) cols.name = b.name;
      if (b.type !== undefined) cols.type = b.type;
      if (b.base_url !== undefined) cols.base_url = b.base_url;
      if (b.keys !== undefined) {
        cols.keys_sealed = await seal(JSON.stringify(b.keys), settingsOf(c.env).ENCRYPTION_KEY);
        cols.key_count = b.keys.length;
      }
      if (b.models !== undefined) cols.models = JSON.stringify(b.models);
      if (b.model_mapping !== undefined) cols.model_mapping = b.model_mapping ? JSON.stringify(b.model_mapping) : null;
      if (b.groups !== undefined) cols.groups = JSON.stringify(b.groups);
      if (b.priority !== undefined) cols.priority = b.priority;
      if (b.weight !== undefined) cols.weight = b.weight;
      // The operator's word clears an automatic disable and the circuit with it.
      const resetHealth = b.status !== undefined || b.keys !== undefined;
      if (b.status !== undefined) Object.assign(cols, { status: b.status, status_reason: null });
      if (resetHealth) Object.assign(cols, { health_state: 'closed', opened_at: null, consecutive_failures: 0 });
      const names = Object.keys(cols);
      await c.env.DB.prepare(`UPDATE channels SET ${names.map((n) => `${n} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
        .bind(...Object.values(cols), Date.now(), id)
        .run();
      if (resetHealth) await healthOf(c.env, id).reset(id);
      await refreshChannels(c.env);
      return c.json(await channelView(c.env, await loadRow(c, id)), 200);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/api/channels/{id}', tags: ['channels'], summary: 'Remove a channel (admin)', request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errors } }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      await loadRow(c, id);
      await c.env.DB.prepare('DELETE FROM channels WHERE id = ?').bind(id).run();
      await refreshChannels(c.env);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/api/channels/{id}/test', tags: ['channels'], summary: 'Make a real call through the channel (admin)',
      request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({ model: ModelName.optional() }) } }, required: false } },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      let model: string | undefined;
      if (c.req.header('content-type')?.includes('application/json')) {
        const raw: unknown = await c.req.json().catch(() => ({}));
        const parsed = z.object({ model: ModelName.optional() }).safeParse(raw);
        model = parsed.success ? parsed.data.model : undefined;
      }
      const channels = await refreshChannels(c.env);
      const channel = channels.find((ch) => ch.id === id);
      if (!channel) throw notFound('channel');
      return c.json(await testChannel(c.env, channel, model), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/api/events', tags: ['channels'], summary: 'Operator events: circuit changes, auto-disables, reconciliation findings (admin)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), subject: z.string().max(64).optional() }) },
      responses: { 200: json(AnyObject), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { limit, subject } = c.req.valid('query');
      const { results } = await c.env.DB.prepare('SELECT * FROM events WHERE (?1 IS NULL OR subject = ?1) ORDER BY id DESC LIMIT ?2').bind(subject ?? null, limit).all();
      return c.json({ items: results }, 200);
    },
  );

