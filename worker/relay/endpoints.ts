import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { channelsSnapshot } from '../db/snapshots';
import { accountOf } from '../account/client';
import { keyedToken, refusal, snapshotRefusal } from './admission';
import { relay } from './handler';
import { ApiError } from '../lib/errors';
import { geminiErrorResponse } from './formats/gemini/errors';
import { FORMATS } from './formats';
import { countTokens } from './count-tokens';

export const relayRoutes = new Hono<AppEnv>();

// Before the formats' paths: Anthropic's token count is not a completion.
relayRoutes.post('/v1/messages/count_tokens', (c) => countTokens(c));

// Every format's paths from the registry; Gemini's names the model and streaming in the path.
for (const format of Object.values(FORMATS)) {
  if (format.endpoint === 'gemini') continue;
  for (const path of format.paths) relayRoutes.post(path, (c) => relay(c, format.endpoint));
}

/** Google's Gemini format: the model and streaming are named in the path; errors come in Google's shape. */
for (const path of FORMATS.gemini.paths) {
  relayRoutes.post(path, async (c) => {
    const target = /^(.+):(generateContent|streamGenerateContent)$/.exec(c.req.param('target') ?? '');
    if (!target)
      return geminiErrorResponse(new ApiError(404, 'not_found', `no route for POST ${new URL(c.req.url).pathname}`));
    c.set('pathCall', { model: target[1], stream: target[2] === 'streamGenerateContent' });
    try {
      return await relay(c, 'gemini');
    } catch (err) {
      if (err instanceof ApiError) return geminiErrorResponse(err);
      throw err;
    }
  });
}

/** The models this key may use: those with a channel for its group, narrowed by the key's list. */
relayRoutes.get('/v1/models', async (c) => {
  const { token, keyHash } = await keyedToken(c);
  const verdict = await accountOf(c.env, token.userId).verifyToken(token.id, keyHash);
  const refused = verdict === 'ok' ? snapshotRefusal(token) : verdict;
  if (refused) throw refusal(refused);
  const channels = await channelsSnapshot(c.env);
  const models = new Set<string>();
  for (const ch of channels) if (ch.groups.includes(token.group)) for (const m of ch.models) models.add(m);
  const allowed = [...models].filter((m) => !token.models || token.models.includes(m)).sort();
  const created = 1_700_000_000;
  return c.json({ object: 'list', data: allowed.map((id) => ({ id, object: 'model', created, owned_by: 'relay' })) });
});
