import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { ipAllowed } from '../lib/ip';
import { settingsOf, type Settings } from '../env';
import type { Revocation } from '../account/types';
import { isPriced, type ModelPrice } from '../billing/charge';
import {
  channelsSnapshot,
  groupRatio,
  pricingSnapshot,
  tokenByHash,
  type ChannelRecord,
  type PricingSnapshot,
  type TokenRecord,
} from '../db/snapshots';
import { channelsFor } from './pick';
import type { Endpoint } from './formats';
import { needsNativeResponses } from './formats/responses/hub';
import { toolBilling, type ToolBilling } from '../billing/tools';
import { speaksNatively } from './providers';
import { parseCall, type ParsedCall } from './formats/call';
import { sessionHashOf } from './sticky';

/** Everything the relay knows about a request once its own checks have passed. */
export interface Admitted {
  requestId: string;
  endpoint: Endpoint;
  settings: Settings;
  token: TokenRecord;
  keyHash: string;
  call: ParsedCall;
  price: ModelPrice;
  groupRatio: number;
  pricing: PricingSnapshot;
  candidates: ChannelRecord[];
  ip: string | null;
  /** The token's limits, or else its group's defaults. */
  limits: { rpm: number | null; tpm: number | null };
  /** The Responses API's hosted tools the call offers, with their per-call prices; null if none. */
  tools: ToolBilling | null;
  /** The call's session key, hashed and scoped by the key (sticky sessions); null without one. */
  session: string | null;
}

function apiKeyOf(c: Context<AppEnv>): string | null {
  const auth = c.req.header('authorization');
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || null;
  const header = c.req.header('x-api-key') ?? c.req.header('x-goog-api-key');
  if (header?.trim()) return header.trim();
  // Google's clients may put the key in the query string; only the Gemini endpoints read it there.
  return c.get('pathCall') ? c.req.query('key')?.trim() || null : null;
}

/** The answer to a key that may not be used, whichever check (snapshot or account) found it. */
export function refusal(reason: Revocation): ApiError {
  if (reason === 'deleted') return new ApiError(401, 'invalid_api_key', 'the API key is not valid');
  if (reason === 'disabled') return new ApiError(403, 'token_disabled', 'this API key is disabled');
  return new ApiError(403, 'token_expired', 'this API key has expired');
}

/** The request's key and its token record (memory, then KV, then D1 on a cold miss), or 401. */
export async function keyedToken(c: Context<AppEnv>): Promise<{ token: TokenRecord; keyHash: string }> {
  const key = apiKeyOf(c);
  if (!key)
    throw new ApiError(401, 'invalid_api_key', 'no API key: send it as "Authorization: Bearer sk-..." or "x-api-key"');
  const keyHash = await sha256Hex(key);
  const token = await tokenByHash(c.env, keyHash);
  if (!token) throw refusal('deleted');
  return { token, keyHash };
}

/** What the snapshot alone already says against the key. */
export function snapshotRefusal(token: TokenRecord): Revocation | null {
  if (token.status === 'disabled' || token.userStatus === 'disabled') return 'disabled';
  if (token.status === 'expired' || (token.expiresAt !== null && token.expiresAt <= Date.now())) return 'expired';
  return null;
}

/** The body as JSON; its size was checked as it came in (relayRoutes' body limit). */
async function readJsonBody(c: Context<AppEnv>): Promise<unknown> {
  const buf = await c.req.arrayBuffer();
  try {
    return JSON.parse(new TextDecoder().decode(buf));
  } catch {
    throw new ApiError(400, 'invalid_request', 'the request body is not valid JSON');
  }
}

/**
 * The relay's own checks, in the contract's order, from memory and KV snapshots only:
 * body size, JSON shape, key known, enabled, not expired, IP, model allowed, channel set up, priced.
 * Rate limits and balance come next, from the token's and the account's Durable Objects.
 */
export async function admit(
  c: Context<AppEnv>,
  endpoint: Endpoint,
  onTokenKnown: (t: TokenRecord, call: ParsedCall) => void,
): Promise<Admitted> {
  const settings = settingsOf(c.env);
  const json = withPathCall(await readJsonBody(c), c.get('pathCall'));
  const call = parseCall(endpoint, json);
  if ('error' in call) throw new ApiError(400, 'invalid_request', call.error);

  const [{ token, keyHash }, channels, pricing] = await Promise.all([
    keyedToken(c),
    channelsSnapshot(c.env),
    pricingSnapshot(c.env),
  ]);
  onTokenKnown(token, call);

  const refused = snapshotRefusal(token);
  if (refused) throw refusal(refused);
  const ip = c.req.header('cf-connecting-ip') ?? null;
  if (token.allowIps && token.allowIps.length > 0 && !ipAllowed(ip, token.allowIps)) {
    throw new ApiError(403, 'ip_not_allowed', `requests from ${ip ?? 'this address'} are not allowed for this key`);
  }
  if (token.models && !token.models.includes(call.model))
    throw new ApiError(403, 'model_not_allowed', `this key may not use the model ${call.model}`);
  const found = channelsFor(channels, endpoint, call.model, token.group);
  if (found.length === 0)
    throw new ApiError(404, 'model_not_found', `the model ${call.model} is not available for this key`);
  const candidates = endpoint === 'responses' ? nativeWhereNeeded(found, call) : found;
  const price = pricing.models[call.model];
  if (!isPriced(price))
    throw new ApiError(
      403,
      'model_price_unset',
      `the model ${call.model} has no price set; ask the operator to price it`,
    );
  const ratio = groupRatio(pricing, token.group);
  const tools = endpoint === 'responses' ? toolBilling(call.body, pricing.models, ratio) : null;

  return {
    requestId: c.get('requestId'),
    endpoint,
    settings,
    token,
    keyHash,
    call,
    price,
    pricing,
    groupRatio: ratio,
    candidates,
    ip,
    tools,
    session: await sessionHashOf(endpoint, call.body, c.req.raw.headers, token.id),
    limits: {
      rpm: token.rpmLimit ?? pricing.groups[token.group]?.rpmLimit ?? null,
      tpm: token.tpmLimit ?? pricing.groups[token.group]?.tpmLimit ?? null,
    },
  };
}

/**
 * A Responses call that needs state the upstream keeps (previous_response_id, store, item
 * references) or a built-in tool goes only to channels that serve the API natively: the relay
 * stores no conversation. With none for the model, it is refused naming the parameter.
 */
function nativeWhereNeeded(channels: ChannelRecord[], call: ParsedCall): ChannelRecord[] {
  const param = needsNativeResponses(call.body);
  if (!param) return channels;
  const native = channels.filter((ch) => speaksNatively('responses', ch));
  if (native.length === 0) {
    throw new ApiError(
      400,
      'invalid_request',
      `${param}: needs a channel that serves the Responses API natively, and none serves ${call.model}; the relay stores no conversation`,
    );
  }
  return native;
}

/** A Gemini body names no model: the URL does; it joins the body as the other formats carry it. */
function withPathCall(json: unknown, pathCall: { model: string; stream: boolean } | undefined): unknown {
  if (!pathCall || typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  return { ...json, model: pathCall.model, stream: pathCall.stream };
}
