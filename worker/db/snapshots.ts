/**
 * Read-mostly snapshots for the hot path: isolate memory first, then KV, then D1 (cold only).
 * The management API refreshes them when it changes the underlying rows.
 */
import type { Env } from '../env';
import type { ModelPrice } from '../billing/charge';
import { TtlCache } from '../lib/ttl-cache';

export interface TokenRecord {
  id: number;
  userId: number;
  keyHash: string;
  status: 'enabled' | 'disabled' | 'expired';
  userStatus: 'enabled' | 'disabled';
  expiresAt: number | null;
  models: string[] | null;
  allowIps: string[] | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxConcurrency: number | null;
  /** The token's group, or else its user's. */
  group: string;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface ChannelRecord {
  id: number;
  name: string;
  type: string;
  baseUrl: string;
  keysSealed: string;
  keyCount: number;
  models: string[];
  modelMapping: Record<string, string> | null;
  groups: string[];
  priority: number;
  weight: number;
  status: 'enabled' | 'disabled' | 'auto_disabled';
  health: { state: CircuitState; openedAt: number | null };
}

export interface GroupRecord {
  ratio: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
}

export interface PricingSnapshot {
  models: Record<string, ModelPrice>;
  groups: Record<string, GroupRecord>;
}

const TOKEN_TTL_MS = 10_000;
const SNAPSHOT_TTL_MS = 3_000;
const tokenMemory = new TtlCache<TokenRecord>(10_000, TOKEN_TTL_MS);
/** Unknown keys, kept apart so a flood of made-up keys cannot evict the real ones. */
const unknownKeys = new TtlCache<true>(10_000, TOKEN_TTL_MS);
let channelMemory: { value: ChannelRecord[]; expires: number } | undefined;
let pricingMemory: { value: PricingSnapshot; expires: number } | undefined;

const tokenKvKey = (hash: string) => `tok:${hash}`;
const CHANNELS_KEY = 'snap:channels';
const PRICING_KEY = 'snap:pricing';

interface TokenRow {
  id: number;
  user_id: number;
  key_hash: string;
  status: TokenRecord['status'];
  user_status: TokenRecord['userStatus'];
  expires_at: number | null;
  models: string | null;
  allow_ips: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_concurrency: number | null;
  group: string;
}

async function loadTokenFromDb(env: Env, hash: string): Promise<TokenRecord | null> {
  const row = await env.DB.prepare(
    `SELECT t.id, t.user_id, t.key_hash, t.status, u.status AS user_status, t.expires_at, t.models, t.allow_ips,
            t.rpm_limit, t.tpm_limit, t.max_concurrency, COALESCE(t."group", u."group") AS "group"
       FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.key_hash = ?`,
  )
    .bind(hash)
    .first<TokenRow>();
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    keyHash: row.key_hash,
    status: row.status,
    userStatus: row.user_status,
    expiresAt: row.expires_at,
    models: row.models ? (JSON.parse(row.models) as string[] | null) : null,
    allowIps: row.allow_ips ? (JSON.parse(row.allow_ips) as string[] | null) : null,
    rpmLimit: row.rpm_limit,
    tpmLimit: row.tpm_limit,
    maxConcurrency: row.max_concurrency,
    group: row.group,
  };
}

/** The token for a key hash, or null for an unknown key. D1 is read only on a cold miss. */
export async function tokenByHash(env: Env, hash: string): Promise<TokenRecord | null> {
  const remembered = tokenMemory.get(hash);
  if (remembered !== undefined) return remembered;
  if (unknownKeys.get(hash)) return null;
  const cached = await env.KV.get<TokenRecord>(tokenKvKey(hash), 'json');
  if (cached) {
    tokenMemory.set(hash, cached);
    return cached;
  }
  const record = await loadTokenFromDb(env, hash);
  if (!record) {
    unknownKeys.set(hash, true);
    return null;
  }
  tokenMemory.set(hash, record);
  // Only known keys are written to KV: a flood of made-up keys must not become a flood of KV writes.
  await env.KV.put(tokenKvKey(hash), JSON.stringify(record), { expirationTtl: 86_400 });
  return record;
}

export async function forgetTokens(env: Env, hashes: string[]): Promise<void> {
  for (const h of hashes) {
    tokenMemory.delete(h);
    unknownKeys.delete(h);
  }
  await Promise.all(hashes.map((h) => env.KV.delete(tokenKvKey(h))));
}

interface ChannelRow {
  id: number;
  name: string;
  type: string;
  base_url: string;
  keys_sealed: string;
  key_count: number;
  models: string;
  model_mapping: string | null;
  groups: string;
  priority: number;
  weight: number;
  status: ChannelRecord['status'];
  health_state: CircuitState;
  opened_at: number | null;
}

/** The JSON columns of a channel row, parsed. */
export function channelLists(r: { models: string; model_mapping: string | null; groups: string }) {
  return {
    models: JSON.parse(r.models) as string[],
    modelMapping: r.model_mapping ? (JSON.parse(r.model_mapping) as Record<string, string> | null) : null,
    groups: JSON.parse(r.groups) as string[],
  };
}

async function loadChannelsFromDb(env: Env): Promise<ChannelRecord[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, name, type, base_url, keys_sealed, key_count, models, model_mapping, groups, priority, weight, status,
            health_state, opened_at
       FROM channels ORDER BY priority DESC, id`,
  ).all<ChannelRow>();
  return results.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    baseUrl: r.base_url,
    keysSealed: r.keys_sealed,
    keyCount: r.key_count,
    ...channelLists(r),
    priority: r.priority,
    weight: r.weight,
    status: r.status,
    health: { state: r.health_state, openedAt: r.opened_at },
  }));
}

export async function channelsSnapshot(env: Env): Promise<ChannelRecord[]> {
  if (channelMemory && channelMemory.expires > Date.now()) return channelMemory.value;
  let value = await env.KV.get<ChannelRecord[]>(CHANNELS_KEY, 'json');
  if (!value) {
    value = await loadChannelsFromDb(env);
    await env.KV.put(CHANNELS_KEY, JSON.stringify(value));
  }
  channelMemory = { value, expires: Date.now() + SNAPSHOT_TTL_MS };
  return value;
}

/** Rebuilds the channel snapshot from D1 after a change (management API, circuit change). */
export async function refreshChannels(env: Env): Promise<ChannelRecord[]> {
  const value = await loadChannelsFromDb(env);
  await env.KV.put(CHANNELS_KEY, JSON.stringify(value));
  channelMemory = { value, expires: Date.now() + SNAPSHOT_TTL_MS };
  return value;
}

/** Applies a circuit change this isolate has just learned of, without waiting for the snapshot. */
export function noteChannelHealth(channelId: number, health: ChannelRecord['health'], status?: ChannelRecord['status']): void {
  const channel = channelMemory?.value.find((c) => c.id === channelId);
  if (!channel) return;
  channel.health = health;
  if (status) channel.status = status;
}

interface PriceRow {
  model: string;
  model_ratio: number | null;
  completion_ratio: number | null;
  cache_ratio: number | null;
  price_per_call: number | null;
  max_output_tokens: number | null;
}

interface GroupRow {
  name: string;
  ratio: number;
  rpm_limit: number | null;
  tpm_limit: number | null;
}

export async function loadPricingFromDb(env: Env): Promise<PricingSnapshot> {
  const [prices, groupRows] = await env.DB.batch<PriceRow | GroupRow>([
    env.DB.prepare('SELECT model, model_ratio, completion_ratio, cache_ratio, price_per_call, max_output_tokens FROM model_prices ORDER BY model'),
    env.DB.prepare('SELECT name, ratio, rpm_limit, tpm_limit FROM groups ORDER BY name'),
  ]);
  const models: Record<string, ModelPrice> = {};
  for (const r of prices.results as PriceRow[]) {
    models[r.model] = {
      model: r.model,
      modelRatio: r.model_ratio,
      completionRatio: r.completion_ratio,
      cacheRatio: r.cache_ratio,
      pricePerCall: r.price_per_call,
      maxOutputTokens: r.max_output_tokens,
    };
  }
  const groupsOut: Record<string, GroupRecord> = {};
  for (const g of groupRows.results as GroupRow[]) {
    groupsOut[g.name] = { ratio: g.ratio, rpmLimit: g.rpm_limit, tpmLimit: g.tpm_limit };
  }
  return { models, groups: groupsOut };
}

export async function pricingSnapshot(env: Env): Promise<PricingSnapshot> {
  if (pricingMemory && pricingMemory.expires > Date.now()) return pricingMemory.value;
  let value = await env.KV.get<PricingSnapshot>(PRICING_KEY, 'json');
  if (!value) {
    value = await loadPricingFromDb(env);
    await env.KV.put(PRICING_KEY, JSON.stringify(value));
  }
  pricingMemory = { value, expires: Date.now() + SNAPSHOT_TTL_MS };
  return value;
}

export async function refreshPricing(env: Env): Promise<PricingSnapshot> {
  const value = await loadPricingFromDb(env);
  await env.KV.put(PRICING_KEY, JSON.stringify(value));
  pricingMemory = { value, expires: Date.now() + SNAPSHOT_TTL_MS };
  return value;
}

export function groupRatio(pricing: PricingSnapshot, group: string): number {
  return pricing.groups[group]?.ratio ?? 1;
}
