import type { ModelPrice } from './charge';
import shipped from './model-limits.json';

/**
 * Known models' output limits, as data: derived from LiteLLM's public model table (see
 * model-limits.LICENSE.md; `node scripts/update-model-limits.mjs` regenerates it).
 */
const LIMITS: Record<string, number> = shipped;

/** The shipped limit of a model, also for a dated name whose undated family is listed. */
export function shippedOutputLimit(model: string): number | null {
  const exact = LIMITS[model];
  if (exact !== undefined) return exact;
  const undated = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/, '');
  return undated !== model ? (LIMITS[undated] ?? null) : null;
}

/** The completion limit a model answers with at most: the operator's value wins over the shipped one. */
export function outputLimitOf(price: Pick<ModelPrice, 'model' | 'maxOutputTokens'>): number | null {
  return price.maxOutputTokens ?? shippedOutputLimit(price.model);
}
