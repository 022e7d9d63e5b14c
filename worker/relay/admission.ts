import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { ipAllowed } from '../lib/ip';
import { settingsOf, type Settings } from '../env';
import { isPriced, type ModelPrice } from '../billing/charge';
import {
  channelsSnapshot, groupRatio, pricingSnapshot, tokenByHash,
  type ChannelRecord, type PricingSnapshot, type TokenRecord,
} from '../db/snapshots';
import { channelsFor, type Endpoint } from './pick';
import { parseCall, type ParsedCall } from './request-shape';

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
}

function apiKeyOf(c: Context<AppEnv>): string | null {
  const auth = c.req.header('authorization');
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || null;
  return c.req.header('x-api-key')?.trim() || null;
}

async function readJsonBody(c: Context<AppEnv>, maxBytes: number): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError(413, 'request_too_large', `request body is over the limit of ${maxBytes} bytes`);
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > maxBytes) throw new ApiError(413, 'request_too_large', `request body is over the limit of ${maxBytes} bytes`);
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
export async function admit(c: Context<AppEnv>, endpoint: Endpoint, onTokenKnown: (t: TokenRecord, call: ParsedCall) => void): Promise<Admitted> {
  const settings = settingsOf(c.env);
  const json = await readJsonBody(c, settings.MAX_BODY_BYTES);
  const call = parseCall(endpoint, json);
  if ('error' in call) throw new ApiError(400, 'invalid_request', call.error);

  const key = apiKeyOf(c);
  if (!key) throw new ApiError(401, 'invalid_api_key', 'no API key: send it as "Authorization: Bearer sk-..." or "x-api-key"');
  const keyHash = await sha256Hex(key);
  const [token, channels, pricing] = await Promise.all([tokenByHash(c.env, keyHash), channelsSnapshot(c.env), pricingSnapshot(c.env)]);
  if (!token) throw new ApiError(401, 'invalid_api_key', 'the API key is not valid');
  onTokenKnown(token, call);

  if (token.status === 'disabled' || token.userStatus === 'disabled') throw new ApiError(403, 'token_disabled', 'this API key is disabled');
  if (token.status === 'expired' || (token.expiresAt !== null && token.expiresAt <= Date.now())) throw new ApiError(403, 'token_expired', 'this API key has expired');
  const ip = c.req.header('cf-connecting-ip') ?? null;
  if (token.allowIps && token.allowIps.length > 0 && !ipAllowed(ip, token.allowIps)) {
    throw new ApiError(403, 'ip_not_allowed', `requests from ${ip ?? 'this address'} are not allowed for this key`);
  }
  if (token.models && !token.models.includes(call.model)) throw new ApiError(403, 'model_not_allowed', `this key may not use the model ${call.model}`);
  const candidates = channelsFor(channels, endpoint, call.model, token.group);
  if (candidates.length === 0) throw new ApiError(404, 'model_not_found', `the model ${call.model} is not available for this key`);
  const price = pricing.models[call.model];
  if (!isPriced(price)) throw new ApiError(403, 'model_price_unset', `the model ${call.model} has no price set; ask the operator to price it`);

  return {
    requestId: c.get('requestId'), endpoint, settings, token, keyHash, call, price, pricing,
    groupRatio: groupRatio(pricing, token.group), candidates, ip,
    limits: {
      rpm: token.rpmLimit ?? pricing.groups[token.group]?.rpmLimit ?? null,
      tpm: token.tpmLimit ?? pricing.groups[token.group]?.tpmLimit ?? null,
    },
  };
}
