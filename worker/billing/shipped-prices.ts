import shipped from './model-prices.json';
import type { PriceTier } from './charge';

/**
 * Known models' cache-write ratios and long-context tiers, as data: derived from LiteLLM's public
 * model table (see model-limits.LICENSE.md; `node scripts/update-model-limits.mjs` regenerates it).
 */
export interface ShippedRates {
  cache_write_ratio?: number;
  cache_write_1h_ratio?: number;
  tiers?: PriceTier[];
}

const RATES: Record<string, ShippedRates> = shipped;

/** The shipped rates of a model, also for a dated name whose undated family is listed. */
export function shippedRates(model: string): ShippedRates | null {
  const exact = RATES[model];
  if (exact !== undefined) return exact;
  const undated = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/, '');
  return undated !== model ? (RATES[undated] ?? null) : null;
}
