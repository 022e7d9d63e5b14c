/** The operator's `price_sync` settings (`PUT /api/options {"price_sync": {...}}`); off by default. */
import { z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { dbOf } from '../db/client';
import { optionValue } from '../db/options';

export const LITELLM_TABLE_URL =
  'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json';

const Pattern = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@/*?-]+$/, 'a model name with * and ? as wildcards');

export const PriceSyncOptions = z.object({
  /** Whether the nightly maintenance job syncs (POST /api/pricing/sync works either way). */
  enabled: z.boolean(),
  source_url: z
    .string()
    .url()
    .max(2048)
    .regex(/^https?:\/\//, 'an http(s) URL'),
  models: z.array(Pattern).min(1).max(100),
  /** Multiplies every synced model ratio (1.2: 20% above the official price). */
  markup: z.number().positive().max(100),
  /** A table that moves a model's input or output price by more than this fraction changes nothing for it. */
  max_change: z.number().positive().max(100),
});
export type PriceSyncOptions = z.infer<typeof PriceSyncOptions>;

export const DEFAULT_PRICE_SYNC: PriceSyncOptions = {
  enabled: false,
  source_url: LITELLM_TABLE_URL,
  models: ['gpt-*', 'o*'],
  markup: 1,
  max_change: 0.5,
};

/** The stored settings over the defaults; a stored value of the wrong shape is ignored. */
export function priceSyncOf(stored: unknown): PriceSyncOptions {
  const parsed = PriceSyncOptions.partial().safeParse(stored ?? {});
  return { ...DEFAULT_PRICE_SYNC, ...(parsed.success ? parsed.data : {}) };
}

export const loadPriceSync = async (env: Env): Promise<PriceSyncOptions> =>
  priceSyncOf(await optionValue(dbOf(env.DB), 'price_sync'));
