import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { Env } from '../env';
import { notFound } from '../lib/errors';
import { seal } from '../lib/crypto';
import { settingsOf } from '../env';
import { healthOf } from '../health/client';
import { refreshChannels } from '../db/snapshots';
import { dbOf } from '../db/client';
import {
  allChannels,
  channelById,
  deleteChannel,
  insertChannel,
  updateChannel,
  type ChannelChange,
  type ChannelRow,
} from '../db/channels';
import { CHANNEL_TYPES } from '../relay/providers';
import { testChannel } from '../relay/probe';
import { IdParam, errors, json, jsonBody, router } from './openapi';
import { GroupName, Iso, ModelName, Name, isoOf, listOf } from './fields';
import { adminOnly, requireAdmin, requireSession } from './session';
import { audit, fieldsOf } from '../security/audit';
import type { KeyAside } from '../relay/keys';

const KeyState = z
  .object({
    index: z.number().int(),
    /** `disabled`: refused as invalid, revoked or out of credit, and set aside until a probe or an operator brings it back. */
    state: z.enum(['ok', 'disabled']),
    last_error: z.string().nullable(),
    /** When the key was set aside. */
    since: Iso.nullable(),
  })
  .openapi('ChannelKeyState');

/** Every key of the channel with its state: set-aside ones from the health object, the rest ok. */
function keyStates(keyCount: number, aside: readonly KeyAside[]): z.infer<typeof KeyState>[] {
  return Array.from({ length: keyCount }, (_, index) => {
    const k = aside.find((a) => a.index === index);
    return k
      ? { index, state: 'disabled', last_error: k.error, since: isoOf(k.since) }
      : { index, state: 'ok', last_error: null, since: null };
  });
}

export const ChannelView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    type: z.string(),
    base_url: z.string(),
    /** How many upstream keys the channel holds; the keys themselves are never shown. */
    key_count: z.number().int(),
    models: z.array(z.string()),
    model_mapping: z.record(z.string(), z.string()).nullable(),
    /** OpenAI type: whether the upstream has /v1/responses; if false, Responses calls reach it converted to chat completions. */
    responses: z.boolean(),
    groups: z.array(z.string()),
    priority: z.number().int(),
    weight: z.number().int(),
    status: z.enum(['enabled', 'disabled', 'auto_disabled']),
    status_reason: z.string().nullable(),
    health: z.object({
      state: z.enum(['closed', 'open', 'half_open']),
      consecutive_failures: z.number().int(),
      last_error: z.string().nullable(),
      latency_ms: z.number().nullable(),
    }),
    /** One per upstream key, by its index in the list; the key itself is never shown. */
    key_states: z.array(KeyState),
    created_at: Iso,
    updated_at: Iso,
  })
  .openapi('Channel');
export type ChannelView = z.infer<typeof ChannelView>;

export const ChannelTest = z
  .object({ ok: z.boolean(), latency_ms: z.number(), error: z.string().optional() })
  .openapi('ChannelTest');

/** A channel with the live circuit from its health object. */
async function channelView(env: Env, r: ChannelRow): Promise<ChannelView> {
  const live = await healthOf(env, r.id).view();
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    base_url: r.baseUrl,
    key_count: r.keyCount,
    models: r.models,
    model_mapping: r.modelMapping ?? null,
    responses: r.servesResponses,
    groups: r.groups,
    priority: r.priority,
    weight: r.weight,
    status: r.status,
    status_reason: r.statusReason,
    health: {
      state: live.state,
      consecutive_failures: live.consecutiveFailures,
      last_error: live.lastError ?? r.lastError,
      latency_ms: live.latencyMs ?? r.latencyMs,
    },
    key_states: keyStates(r.keyCount, live.keysAside),
    created_at: isoOf(r.createdAt),
    updated_at: isoOf(r.updatedAt),
  };
}

/** Every channel with its status and live health, as `GET /api/channels` and the dashboard show them. */
export async function listChannels(env: Env): Promise<ChannelView[]> {
  const rows = await allChannels(dbOf(env.DB));
  return Promise.all(rows.map((r) => channelView(env, r)));
}

const KeyParam = IdParam.extend({
  index: z.coerce
    .number()
    .int()
    .min(0)
    .max(999)
    .openapi({ param: { name: 'index', in: 'path' } }),
});

const HttpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const ChannelFields = {
  name: Name,
  type: z.enum(CHANNEL_TYPES),
  base_url: HttpUrl,
  keys: z.array(z.string().trim().min(1).max(4096)).min(1, 'give at least one key').max(1000),
  models: z.array(ModelName).min(1, 'give at least one model').max(2000),
  model_mapping: z.record(ModelName, ModelName).nullable(),
  responses: z.boolean(),
  groups: z.array(GroupName).min(1).max(100),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  weight: z.number().int().min(0).max(1_000_000),
  status: z.enum(['enabled', 'disabled']),
};

const CreateChannel = z
  .object(ChannelFields)
  .partial({ model_mapping: true, responses: true, groups: true, priority: true, weight: true, status: true });
const PatchChannel = z
  .object(ChannelFields)
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one field to change' });

async function loadRow(c: Context<AppEnv>, id: number): Promise<ChannelRow> {
  const row = await channelById(dbOf(c.env.DB), id);
  if (!row) throw notFound('channel');
  return row;
}

const sealKeys = (c: Context<AppEnv>, keys: string[]) => seal(JSON.stringify(keys), settingsOf(c.env).ENCRYPTION_KEY);

async function channelChange(
  c: Context<AppEnv>,
  b: z.infer<typeof PatchChannel>,
): Promise<{ change: ChannelChange; resetHealth: boolean }> {
  const change: ChannelChange = {};
  if (b.name !== undefined) change.name = b.name;
  if (b.type !== undefined) change.type = b.type;
  if (b.base_url !== undefined) change.baseUrl = b.base_url;
  if (b.keys !== undefined)
    Object.assign(change, { keysSealed: await sealKeys(c, b.keys), keyCount: b.keys.length, keyStates: null });
  if (b.models !== undefined) change.models = b.models;
  if (b.model_mapping !== undefined) change.modelMapping = b.model_mapping;
  if (b.responses !== undefined) change.servesResponses = b.responses;
  if (b.groups !== undefined) change.groups = b.groups;
  if (b.priority !== undefined) change.priority = b.priority;
  if (b.weight !== undefined) change.weight = b.weight;
  // The operator's word clears an automatic disable and the circuit with it.
  const resetHealth = b.status !== undefined || b.keys !== undefined;
  if (b.status !== undefined) Object.assign(change, { status: b.status, statusReason: null });
  if (resetHealth) Object.assign(change, { healthState: 'closed', openedAt: null, consecutiveFailures: 0 });
  return { change, resetHealth };
}

export const channelRoutes = router();
channelRoutes.use('/api/channels', requireSession, adminOnly);
channelRoutes.use('/api/channels/*', requireSession, adminOnly);

channelRoutes
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/channels',
      tags: ['channels'],
      summary: 'Add an upstream channel (admin); keys are sealed and never echoed',
      request: jsonBody(CreateChannel),
      responses: { 201: json(ChannelView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const b = c.req.valid('json');
      const now = Date.now();
      const row = await insertChannel(dbOf(c.env.DB), {
        name: b.name,
        type: b.type,
        baseUrl: b.base_url,
        keysSealed: await sealKeys(c, b.keys),
        keyCount: b.keys.length,
        models: b.models,
        modelMapping: b.model_mapping ?? null,
        servesResponses: b.responses ?? true,
        groups: b.groups ?? ['default'],
        priority: b.priority ?? 0,
        weight: b.weight ?? 1,
        status: b.status ?? 'enabled',
        healthState: 'closed',
        consecutiveFailures: 0,
        createdAt: now,
        updatedAt: now,
      });
      await audit(c, {
        action: 'channel.create',
        target: `channel:${row.id}`,
        summary: `"${row.name}" (${row.type}), ${row.keyCount} key(s), models: ${row.models.join(', ')}`,
      });
      await refreshChannels(c.env);
      return c.json(await channelView(c.env, row), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/channels',
      tags: ['channels'],
      summary: 'Channels with status and health (admin)',
      responses: { 200: json(listOf(ChannelView)), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json({ items: await listChannels(c.env) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/channels/{id}',
      tags: ['channels'],
      summary: 'One channel (admin)',
      request: { params: IdParam },
      responses: { 200: json(ChannelView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await channelView(c.env, await loadRow(c, c.req.valid('param').id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/channels/{id}',
      tags: ['channels'],
      summary: 'Change a channel (admin)',
      request: { params: IdParam, ...jsonBody(PatchChannel) },
      responses: { 200: json(ChannelView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      await loadRow(c, id);
      const body = c.req.valid('json');
      const { change, resetHealth } = await channelChange(c, body);
      await updateChannel(dbOf(c.env.DB), id, change, Date.now());
      await audit(c, {
        action: 'channel.update',
        target: `channel:${id}`,
        summary: `changed ${fieldsOf(body)}${body.status ? `; status ${body.status}` : ''}${body.keys ? `; ${body.keys.length} key(s) set` : ''}`,
      });
      if (resetHealth) await healthOf(c.env, id).reset(body.keys !== undefined);
      await refreshChannels(c.env);
      return c.json(await channelView(c.env, await loadRow(c, id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/api/channels/{id}',
      tags: ['channels'],
      summary: 'Remove a channel (admin)',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id } = c.req.valid('param');
      const row = await loadRow(c, id);
      await deleteChannel(dbOf(c.env.DB), id);
      await audit(c, { action: 'channel.delete', target: `channel:${id}`, summary: `deleted "${row.name}"` });
      await refreshChannels(c.env);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/channels/{id}/keys/{index}/enable',
      tags: ['channels'],
      summary: 'Bring a set-aside upstream key back at once (admin)',
      request: { params: KeyParam },
      responses: { 200: json(ChannelView), ...errors },
    }),
    async (c) => {
      requireAdmin(c);
      const { id, index } = c.req.valid('param');
      const row = await loadRow(c, id);
      if (index >= row.keyCount) throw notFound('key');
      await healthOf(c.env, id).enableKey(index);
      await audit(c, {
        action: 'channel.key_enable',
        target: `channel:${id}`,
        summary: `key #${index} of "${row.name}" re-enabled`,
      });
      await refreshChannels(c.env);
      return c.json(await channelView(c.env, await loadRow(c, id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/channels/{id}/test',
      tags: ['channels'],
      summary: 'Make a real call through the channel (admin)',
      request: {
        params: IdParam,
        body: {
          content: { 'application/json': { schema: z.object({ model: ModelName.optional() }) } },
          required: false,
        },
      },
      responses: { 200: json(ChannelTest), ...errors },
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
  );
