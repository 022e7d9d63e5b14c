import { chargeFor, type ModelPrice } from './charge';

/** The smallest completion allowance worth sending: below this a capped answer is useless. */
export const MIN_COMPLETION_TOKENS = 16;

/** What a request may cost at most: its prompt plus a completion allowance per choice, at full price. */
export interface HoldPlan {
  price: ModelPrice;
  groupRatio: number;
  promptTokens: number;
  choices: number;
  /** Completion tokens per choice the request wants held (its own limit, or the model's, or the default). */
  wanted: number;
  /** The least allowance the request is worth sending with (0 where there is no completion). */
  min: number;
  /** Units held beyond the tokens: built-in tool calls at their per-call price (see tools.ts). */
  fixed?: number;
}

/** Units held for a plan at a given allowance (completion tokens per choice). */
export function holdUnits(plan: HoldPlan, allowance: number): number {
  const usage = { promptTokens: plan.promptTokens, completionTokens: allowance * plan.choices, cachedTokens: 0 };
  return chargeFor(plan.price, usage, plan.groupRatio) + (plan.fixed ?? 0);
}

/**
 * The largest allowance whose hold fits in `available` units: the wanted one when it fits, else
 * the largest of at least `min`, else null (the request cannot be covered). The hold only grows
 * with the allowance, so a binary search finds it exactly.
 */
export function largestAllowance(plan: HoldPlan, available: number): number | null {
  if (holdUnits(plan, plan.wanted) <= available) return plan.wanted;
  const min = Math.min(plan.min, plan.wanted);
  if (min >= plan.wanted || holdUnits(plan, min) > available) return null;
  let fits = min;
  let tooBig = plan.wanted;
  while (tooBig - fits > 1) {
    const mid = Math.floor((fits + tooBig) / 2);
    if (holdUnits(plan, mid) <= available) fits = mid;
    else tooBig = mid;
  }
  return fits;
}
