import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { channelsSnapshot, tokenByHash } from '../db/snapshots';
import { accountOf } from '../account/stub';
import { relay } from './handler';

export const relayRoutes = new Hono<AppEnv>();

relayRoutes.post('/v1/chat/completions', (c) => relay(c, 'chat'));
relayRoutes.post('/v1/completions', (c) => relay(c, 'completions'));
relayRoutes.post('/v1/embeddings', (c) => relay(c, 'embeddings'));
relayRoutes.post('/v1/messages', (c) => relay(c, 'messages'));

/** The models this key may use: those with a channel for its group, narrowed by the key's list. */
relayRoutes.get('/v1/models', async (c) => {
  const auth = c.req.header('authorization');
  const key = (auth && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : c.req.header('x-api-key')?.trim()) || null;
  if (!key) throw new ApiError(401, 'invalid_api_key', 'no API key: send it as "Authorization: Bearer sk-..." or "x-api-key"');
  const hash = await sha256Hex(key);
  const token = await tokenByHash(c.env, hash);
  if (!token) throw new ApiError(401, 'invalid_api_key', 'the API key is not valid');
  const verdict = await accountOf(c.env, token.userId).verifyToken(token.userId, token.id, hash);
  if (verdict === 'deleted') throw new ApiError(401, 'invalid_api_key', 'the API key is not valid');
  if (verdict === 'disabled' || token.status === 'disabled') throw new ApiError(403, 'token_disabled', 'this API key is disabled');
  if (verdict === 'expired') throw new ApiError(403, 'token_expired', 'this API key has expired');
  const channels = await channelsSnapshot(c.env);
  const models = new Set<string>();
  for (const ch of channels) if (ch.groups.includes(token.group)) for (const m of ch.models) models.add(m);
  const allowed = [...models].filter((m) => !token.models || token.models.includes(m)).sort();
  const created = 1_700_000_000;
  return c.json({ object: 'list', data: allowed.map((id) => ({ id, object: 'model', created, owned_by: 'relay' })) });
});
