/**
 * POST /v1/messages/count_tokens (what Claude Code asks before long prompts): Anthropic's
 * `{input_tokens}`, from the model's first anthropic channel where there is one, else counted as
 * the hold counts a Messages prompt. A valid key is needed; nothing is charged or logged.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountOf } from '../account/client';
import { channelsSnapshot } from '../db/snapshots';
import { settingsOf } from '../env';
import { ApiError } from '../lib/errors';
import { isObj } from '../lib/json';
import { keyedToken, refusal, snapshotRefusal } from './admission';
import { FORMATS } from './formats';
import { usableKey } from './forward';
import { counterFor } from './prompt/count';
import { channelsFor, upstreamModel } from './pick';
import { passedHeaders } from './providers/types';

export async function countTokens(c: Context<AppEnv>): Promise<Response> {
  const { token, keyHash } = await keyedToken(c);
  const verdict = await accountOf(c.env, token.userId).verifyToken(token.id, keyHash);
  const refused = verdict === 'ok' ? snapshotRefusal(token) : verdict;
  if (refused) throw refusal(refused);
  const body: unknown = await c.req.json().catch(() => null);
  if (!isObj(body) || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    throw new ApiError(400, 'invalid_request', 'count_tokens needs a JSON body with "model" and "messages"');
  }
  const model = body.model;
  if (token.models && !token.models.includes(model))
    throw new ApiError(403, 'model_not_allowed', `this key may not use the model ${model}`);
  const channel = channelsFor(await channelsSnapshot(c.env), 'messages', model, token.group).find(
    (ch) => ch.type === 'anthropic',
  );
  if (channel) {
    const counted = await askChannel(c, channel, { ...body, model: upstreamModel(channel, model) });
    if (counted !== null) return c.json({ input_tokens: counted });
  }
  return c.json({ input_tokens: FORMATS.messages.countPrompt(counterFor(model), body) });
}

/** The channel's own count, or null when it did not answer one (then the relay counts). */
async function askChannel(
  c: Context<AppEnv>,
  channel: Parameters<typeof upstreamModel>[0],
  body: Record<string, unknown>,
): Promise<number | null> {
  const settings = settingsOf(c.env);
  const key = await usableKey(channel, settings.ENCRYPTION_KEY);
  const url = `${channel.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/messages/count_tokens`;
  const headers = {
    'content-type': 'application/json',
    'x-api-key': key,
    'anthropic-version': '2023-06-01',
    ...passedHeaders(['anthropic-version', 'anthropic-beta'], c.req.raw.headers),
  };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(settings.UPSTREAM_TIMEOUT_MS),
    });
    const json: unknown = res.ok ? await res.json() : null;
    return isObj(json) && typeof json.input_tokens === 'number' ? json.input_tokens : null;
  } catch {
    return null;
  }
}
