/**
 * Reading LiteLLM's model table (`model_prices_and_context_window.json`: model name -> row of
 * costs in dollars per token) into the relay's ratios, exactly as decimals. Pure: no I/O.
 */
import type { PriceTier } from './charge';
import { dec, div, mul, toNumber, type Decimal } from './decimal';

export type TableRow = Record<string, unknown>;
export type PriceTable = Record<string, TableRow>;

/** The ratios a row sets; null where the row has no such price (the default then applies). */
export interface TableRates {
  model_ratio: number;
  completion_ratio: number;
  cache_ratio: number | null;
  cache_write_ratio: number | null;
  cache_write_1h_ratio: number | null;
  tiers: PriceTier[] | null;
}

/** LiteLLM's long-context prices are for prompts above 200k tokens. */
export const LONG_CONTEXT_ABOVE = 200_000;
/** Model ratio 1 is $0.002 per 1K tokens. */
const RATIO_1_USD_PER_TOKEN = dec('0.000002');
/** Prefixes under which the table lists a provider's own models (the bare name is what customers send). */
const PREFIXES = ['openai/', 'anthropic/', 'gemini/', 'deepseek/', 'xai/', 'mistral/'];

const cost = (row: TableRow, field: string): Decimal | null => {
  const v = row[field];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? dec(v) : null;
};
const positive = (d: Decimal | null): d is Decimal => d !== null && d.units > 0n;

/** A table parsed from JSON: an object of objects, or null for anything else. */
export function asPriceTable(value: unknown): PriceTable | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: PriceTable = {};
  for (const [name, row] of Object.entries(value)) {
    if (row && typeof row === 'object' && !Array.isArray(row)) out[name] = row as TableRow;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** The row for a model: its own name, or the name under its provider's prefix. */
export function rowOf(table: PriceTable, model: string): TableRow | null {
  if (Object.hasOwn(table, model)) return table[model];
  for (const p of PREFIXES) if (Object.hasOwn(table, p + model)) return table[p + model];
  return null;
}

/** A ratio of two costs, or null where either is missing (or the base is zero). */
const ratio = (part: Decimal | null, base: Decimal | null): number | null =>
  part !== null && positive(base) ? toNumber(div(part, base)) : null;

/** The long-context tier of a row: prompts above 200k at the row's `..._above_200k_tokens` rates. */
function tiersOf(row: TableRow, input: Decimal, output: Decimal): PriceTier[] | null {
  const longInput = cost(row, 'input_cost_per_token_above_200k_tokens');
  if (longInput === null) return null;
  const longOutput = cost(row, 'output_cost_per_token_above_200k_tokens');
  return [
    {
      above_prompt_tokens: LONG_CONTEXT_ABOVE,
      prompt_multiplier: ratio(longInput, input) ?? 1,
      completion_multiplier: ratio(longOutput, output) ?? 1,
    },
  ];
}

/**
 * The rates a row gives: model ratio (input price over $0.002/1K, times markup), completion,
 * cache read, cache writes (5-minute, 1-hour) and tiers, all as ratios of the row's own prices.
 * Null for a half row: one without both a (non-zero) input and an output price.
 */
export function ratesOfRow(row: TableRow, markup: number | string = 1): TableRates | null {
  const input = cost(row, 'input_cost_per_token');
  const output = cost(row, 'output_cost_per_token');
  if (!positive(input) || output === null) return null;
  return {
    model_ratio: toNumber(mul(div(input, RATIO_1_USD_PER_TOKEN), dec(markup))),
    completion_ratio: toNumber(div(output, input)),
    cache_ratio: ratio(cost(row, 'cache_read_input_token_cost'), input),
    cache_write_ratio: ratio(cost(row, 'cache_creation_input_token_cost'), input),
    cache_write_1h_ratio: ratio(cost(row, 'cache_creation_input_token_cost_above_1hr'), input),
    tiers: tiersOf(row, input, output),
  };
}
