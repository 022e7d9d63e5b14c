/**
 * What a price sync would do (pure): for every priced, unpinned model matching the patterns, the
 * table row's ratios; guarded so a missing model, a half row or a change larger than `max_change`
 * leaves the model as it is, and says why.
 */
import type { ModelPrice, PriceTier } from './charge';
import { ratesOfRow, rowOf, type PriceTable } from './price-table';

export interface SyncPlanOptions {
  /** Glob patterns (`*` any run of characters, `?` one) over model names. */
  models: string[];
  markup: number;
  /** The largest relative change of the input or output price taken (0.5: 50%). */
  max_change: number;
}

/** The fields a sync sets, as the pricing API names them. */
export interface SyncedFields {
  model_ratio: number | null;
  completion_ratio: number | null;
  cache_ratio: number | null;
  cache_write_ratio: number | null;
  cache_write_1h_ratio: number | null;
  tiers: PriceTier[] | null;
}

export type SkipReason = 'pinned' | 'missing' | 'half_row' | 'max_change' | 'per_call';

export interface SyncPlan {
  changed: { model: string; before: SyncedFields; after: SyncedFields }[];
  skipped: { model: string; reason: SkipReason }[];
}

export function globMatch(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

export const syncedFieldsOf = (m: ModelPrice): SyncedFields => ({
  model_ratio: m.modelRatio,
  completion_ratio: m.completionRatio,
  cache_ratio: m.cacheRatio,
  cache_write_ratio: m.cacheWriteRatio ?? null,
  cache_write_1h_ratio: m.cacheWrite1hRatio ?? null,
  tiers: m.tiers ?? null,
});

/** Relative change from a to b; infinite from 0 to anything else. */
function relativeChange(a: number, b: number): number {
  if (a === b) return 0;
  return a === 0 ? Infinity : Math.abs(b - a) / Math.abs(a);
}

/** Whether the input or the output price moves by more than `max`. */
function tooLarge(before: SyncedFields, after: SyncedFields, max: number): boolean {
  const input = [before.model_ratio ?? 0, after.model_ratio ?? 0];
  const output = [input[0] * (before.completion_ratio ?? 1), input[1] * (after.completion_ratio ?? 1)];
  return relativeChange(input[0], input[1]) > max || relativeChange(output[0], output[1]) > max;
}

const sameFields = (a: SyncedFields, b: SyncedFields) => JSON.stringify(a) === JSON.stringify(b);

export function planSync(prices: ModelPrice[], table: PriceTable, options: SyncPlanOptions): SyncPlan {
  const plan: SyncPlan = { changed: [], skipped: [] };
  const following = prices.filter(
    (m) => (m.pricePerCall !== null || m.modelRatio !== null) && options.models.some((p) => globMatch(p, m.model)),
  );
  for (const m of [...following].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))) {
    const skip = (reason: SkipReason) => plan.skipped.push({ model: m.model, reason });
    if (m.pinned) {
      skip('pinned');
      continue;
    }
    if (m.pricePerCall !== null) {
      skip('per_call');
      continue;
    }
    const row = rowOf(table, m.model);
    if (!row) {
      skip('missing');
      continue;
    }
    const rates = ratesOfRow(row, options.markup);
    if (!rates) {
      skip('half_row');
      continue;
    }
    const before = syncedFieldsOf(m);
    const after: SyncedFields = { ...rates };
    if (sameFields(before, after)) continue;
    if (tooLarge(before, after, options.max_change)) {
      skip('max_change');
      continue;
    }
    plan.changed.push({ model: m.model, before, after });
  }
  return plan;
}
