import { add, ceil, dec, mul, sub, type Decimal } from './decimal';
import { shippedRates } from './shipped-prices';

/** 500000 units are one US dollar; a model ratio of 1 is one unit per token ($0.002 / 1K). */
export const QUOTA_PER_USD = 500_000;

/** Long-context rates: a request whose prompt exceeds `above_prompt_tokens` is billed whole at these multipliers. */
export interface PriceTier {
  above_prompt_tokens: number;
  prompt_multiplier: number;
  completion_multiplier: number;
}

export interface ModelPrice {
  model: string;
  modelRatio: number | null;
  completionRatio: number | null;
  cacheRatio: number | null;
  /** The operator's values; null (or missing in an older snapshot) takes the shipped default (see shipped-prices.ts). */
  cacheWriteRatio?: number | null;
  cacheWrite1hRatio?: number | null;
  tiers?: PriceTier[] | null;
  /** Priced by hand: the price sync leaves it alone. */
  pinned?: boolean;
  pricePerCall: number | null;
  /** The operator's completion limit for the model (the shipped table's applies where this is null). */
  maxOutputTokens: number | null;
}

export interface Usage {
  /** P: every prompt token, cached and cache-written ones included. */
  promptTokens: number;
  /** C */
  completionTokens: number;
  /** K: prompt tokens read from the provider's cache. */
  cachedTokens: number;
  /** W: prompt tokens written to the provider's 5-minute cache (Anthropic's `ephemeral_5m_input_tokens`, or a bare `cache_creation_input_tokens`). */
  cacheWriteTokens?: number;
  /** H: prompt tokens written to the provider's 1-hour cache (`ephemeral_1h_input_tokens`). */
  cacheWrite1hTokens?: number;
}

/** The rates a token-priced model is billed at, shipped defaults filled in where the operator set none. */
export interface EffectiveRates {
  cacheWriteRatio: number;
  cacheWrite1hRatio: number;
  tiers: PriceTier[];
}

export function isPriced(price: ModelPrice | undefined): price is ModelPrice {
  return !!price && (price.pricePerCall !== null || price.modelRatio !== null);
}

/**
 * Field by field: the operator's value, else the shipped one for a known model, else 1 for the
 * 5-minute write, the 5-minute ratio for the 1-hour write, and no tiers (an empty list set by
 * the operator means no tiers, whatever ships).
 */
export function effectiveRates(
  price: Pick<ModelPrice, 'model' | 'cacheWriteRatio' | 'cacheWrite1hRatio' | 'tiers'>,
): EffectiveRates {
  const shipped = shippedRates(price.model);
  const cacheWriteRatio = price.cacheWriteRatio ?? shipped?.cache_write_ratio ?? 1;
  const cacheWrite1hRatio = price.cacheWrite1hRatio ?? shipped?.cache_write_1h_ratio ?? cacheWriteRatio;
  return { cacheWriteRatio, cacheWrite1hRatio, tiers: price.tiers ?? shipped?.tiers ?? [] };
}

/** The tier a prompt of `promptTokens` falls in: the highest whose threshold it exceeds, or null. */
export function tierFor(tiers: readonly PriceTier[], promptTokens: number): PriceTier | null {
  let best: PriceTier | null = null;
  for (const t of tiers)
    if (promptTokens > t.above_prompt_tokens && (!best || t.above_prompt_tokens > best.above_prompt_tokens)) best = t;
  return best;
}

/** The split of the prompt: K, W and H clamped so that together they never exceed P. */
function promptParts(usage: Usage): { prompt: number; read: number; write: number; write1h: number } {
  const prompt = Math.max(0, usage.promptTokens);
  const read = Math.min(Math.max(0, usage.cachedTokens), prompt);
  const write = Math.min(Math.max(0, usage.cacheWriteTokens ?? 0), prompt - read);
  const write1h = Math.min(Math.max(0, usage.cacheWrite1hTokens ?? 0), prompt - read - write);
  return { prompt, read, write, write1h };
}

/** p*(P - K - W - H + K*cache + W*write + H*write_1h) + c*C*completion, exactly, before the model and group ratios. */
function weightedTokens(price: ModelPrice, usage: Usage): Decimal {
  const { prompt, read, write, write1h } = promptParts(usage);
  const rates = effectiveRates(price);
  const tier = tierFor(rates.tiers, prompt);
  const plain = dec(prompt - read - write - write1h);
  const promptPart = add(
    add(plain, mul(dec(read), dec(price.cacheRatio ?? 1))),
    add(mul(dec(write), dec(rates.cacheWriteRatio)), mul(dec(write1h), dec(rates.cacheWrite1hRatio))),
  );
  const completionPart = mul(dec(Math.max(0, usage.completionTokens)), dec(price.completionRatio ?? 1));
  return add(
    mul(dec(tier?.prompt_multiplier ?? 1), promptPart),
    mul(dec(tier?.completion_multiplier ?? 1), completionPart),
  );
}

/**
 * The contract's charge: ceil((p*(P - K - W - H + K*cache_ratio + W*cache_write_ratio +
 * H*cache_write_1h_ratio) + c*C*completion_ratio) * model_ratio * group_ratio), at least 1 when
 * P + C > 0, computed on exact decimals; or ceil(price_per_call * 500000 * group_ratio) per call.
 */
export function chargeFor(price: ModelPrice, usage: Usage, groupRatio: number): number {
  if (price.pricePerCall !== null) {
    return Number(ceil(mul(mul(dec(price.pricePerCall), dec(QUOTA_PER_USD)), dec(groupRatio))));
  }
  const units = Number(ceil(mul(mul(weightedTokens(price, usage), dec(price.modelRatio ?? 0)), dec(groupRatio))));
  if (usage.promptTokens + usage.completionTokens > 0) return Math.max(1, units);
  return units;
}

/** What to hold back before the call: the prompt (in the tier it falls in) plus the completion allowance at full price. */
export function reservationFor(
  price: ModelPrice,
  promptTokens: number,
  completionAllowance: number,
  groupRatio: number,
): number {
  return chargeFor(price, { promptTokens, completionTokens: completionAllowance, cachedTokens: 0 }, groupRatio);
}
