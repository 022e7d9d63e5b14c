/**
 * Read-mostly snapshots for the hot path: isolate memory first, then KV, then D1 (cold only).
 * The management API refreshes them when it changes the underlying rows.
 */
import type { Env } from '../env';
import type { ModelPrice } from '../billing/charge';
import { TtlCache } from '../lib/ttl-cache';
import type { KeyAside } from '../relay/keys';
import { dbOf } from './client';
import { allChannels } from './channels';
import { allPrices } from './pricing';
import { tokenRecordByHash } from './tokens';

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
  /** Served from plans only (worker/account/plans.ts). */
  planOnly: boolean;
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
  /** Whether the upstream has /v1/responses itself (OpenAI type); if not, Responses calls are converted to chat. */
  servesResponses: boolean;
  groups: string[];
  priority: number;
  weight: number;
  status: 'enabled' | 'disabled' | 'auto_disabled';
  /**
   * `version` is the health object's (see HealthView); snapshots read from D1 have none.
   * `keysAside` lists the keys set aside on their own (see relay/keys.ts).
   */
  health: { state: CircuitState; openedAt: number | null; version?: number; keysAside?: KeyAside[] };
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

async function loadTokenFromDb(env: Env, hash: string): Promise<TokenRecord | null> {
  const row = await tokenRecordByHash(dbOf(env.DB), hash);
  return row ? { ...row, models: row.models ?? null, allowIps: row.allowIps ?? null } : null;
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

async function loadChannelsFromDb(env: Env): Promise<ChannelRecord[]> {
  const rows = await allChannels(dbOf(env.DB));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    baseUrl: r.baseUrl,
    keysSealed: r.keysSealed,
    keyCount: r.keyCount,
    models: r.models,
    modelMapping: r.modelMapping ?? null,
    servesResponses: r.servesResponses,
    groups: r.groups,
    priority: r.priority,
    weight: r.weight,
    status: r.status,
    health: { state: r.healthState, openedAt: r.openedAt, keysAside: r.keyStates ?? [] },
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

/**
 * Applies a circuit change this isolate has just learned of, without waiting for the snapshot.
 * Answers to concurrent reports arrive in any order: an older view never replaces a newer one.
 */
export function noteChannelHealth(
  channelId: number,
  health: ChannelRecord['health'],
  status?: ChannelRecord['status'],
): void {
  const channel = channelMemory?.value.find((c) => c.id === channelId);
  if (!channel) return;
  if ((health.version ?? 0) < (channel.health.version ?? 0)) return;
  channel.health = health;
  if (status) channel.status = status;
}

export async function loadPricingFromDb(env: Env): Promise<PricingSnapshot> {
  const { models: priceRows, groups: groupRows } = await allPrices(dbOf(env.DB));
  const models: Record<string, ModelPrice> = {};
  for (const r of priceRows) {
    models[r.model] = {
      model: r.model,
      modelRatio: r.modelRatio,
      completionRatio: r.completionRatio,
      cacheRatio: r.cacheRatio,
      cacheWriteRatio: r.cacheWriteRatio,
      cacheWrite1hRatio: r.cacheWrite1hRatio,
      tiers: r.tiers ?? null,
      pinned: r.pinned,
      pricePerCall: r.pricePerCall,
      maxOutputTokens: r.maxOutputTokens,
    };
  }
  const groupsOut: Record<string, GroupRecord> = {};
  for (const g of groupRows) groupsOut[g.name] = { ratio: g.ratio, rpmLimit: g.rpmLimit, tpmLimit: g.tpmLimit };
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
