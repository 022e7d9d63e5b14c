import { add, ceil, dec, mul, sub } from './decimal';

/** 500000 units are one US dollar; a model ratio of 1 is one unit per token ($0.002 / 1K). */
export const QUOTA_PER_USD = 500_000;

export interface ModelPrice {
  model: string;
  modelRatio: number | null;
  completionRatio: number | null;
  cacheRatio: number | null;
  pricePerCall: number | null;
  /** The operator's completion limit for the model (the shipped table's applies where this is null). */
  maxOutputTokens: number | null;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export function isPriced(price: ModelPrice | undefined): price is ModelPrice {
  return !!price && (price.pricePerCall !== null || price.modelRatio !== null);
}

/**
 * ceil((P - K + K*cache_ratio + C*completion_ratio) * model_ratio * group_ratio), at least 1 when
 * P + C > 0; or ceil(price_per_call * 500000 * group_ratio) for a per-call model.
 */
export function chargeFor(price: ModelPrice, usage: Usage, groupRatio: number): number {
  if (price.pricePerCall !== null) {
    return Number(ceil(mul(mul(dec(price.pricePerCall), dec(QUOTA_PER_USD)), dec(groupRatio))));
  }
  const cached = Math.min(Math.max(0, usage.cachedTokens), usage.promptTokens);
  const prompt = dec(usage.promptTokens);
  const k = dec(cached);
  const tokens = add(
    add(sub(prompt, k), mul(k, dec(price.cacheRatio ?? 1))),
    mul(dec(usage.completionTokens), dec(price.completionRatio ?? 1)),
  );
  const units = Number(ceil(mul(mul(tokens, dec(price.modelRatio ?? 0)), dec(groupRatio))));
  if (usage.promptTokens + usage.completionTokens > 0) return Math.max(1, units);
  return units;
}

/** What to hold back before the call: the prompt plus the completion allowance at full price. */
export function reservationFor(price: ModelPrice, promptTokens: number, completionAllowance: number, groupRatio: number): number {
  return chargeFor(price, { promptTokens, completionTokens: completionAllowance, cachedTokens: 0 }, groupRatio);
}
