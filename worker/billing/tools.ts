/**
 * Built-in tools of the Responses API (web search, file search, computer use, code interpreter,
 * ...) run at the provider and are billed per call, at the price the operator sets for each tool
 * type as the pricing entry `tool:<type>` (its `price_per_call`, in dollars). The relay caps the
 * calls a request may make (`max_tool_calls`) so that the hold bounds their cost too.
 */
import { chargeFor, isPriced, type ModelPrice } from './charge';
import { type Obj, isObj } from '../lib/json';

export const TOOL_PRICE_PREFIX = 'tool:';
/** Built-in tool calls a request may make when it sets no `max_tool_calls` of its own. */
export const DEFAULT_MAX_TOOL_CALLS = 8;

export interface ToolBilling {
  /** Units per call by tool type, group ratio included. */
  perCall: Record<string, number>;
  /** The most calls the request may make (held for, and sent as `max_tool_calls`). */
  maxCalls: number;
}

/** The built-in tool types a Responses body offers (every tool that is not a function). */
export function builtInToolTypes(body: Obj): string[] {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObj) : [];
  return [...new Set(tools.map((t) => t.type).filter((t): t is string => typeof t === 'string' && t !== 'function' && t !== 'custom'))];
}

/** Per-call units for each built-in tool, or the first tool type that has no price. */
export function toolBilling(body: Obj, prices: Record<string, ModelPrice>, groupRatio: number): ToolBilling | { unpriced: string } | null {
  const types = builtInToolTypes(body);
  if (types.length === 0) return null;
  const perCall: Record<string, number> = {};
  for (const type of types) {
    const price = prices[`${TOOL_PRICE_PREFIX}${type}`];
    if (!isPriced(price) || price.pricePerCall === null) return { unpriced: type };
    perCall[type] = chargeFor(price, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }, groupRatio);
  }
  const asked = typeof body.max_tool_calls === 'number' ? body.max_tool_calls : null;
  return { perCall, maxCalls: asked ?? DEFAULT_MAX_TOOL_CALLS };
}

/** What the most expensive allowed calls cost together: the part of the hold the tools take. */
export const toolHold = (t: ToolBilling | null) => (t ? Math.max(...Object.values(t.perCall)) * t.maxCalls : 0);

/**
 * The tool type an output item is a call of: `web_search_call` of `web_search` or
 * `web_search_preview`, `computer_call` of `computer_use_preview`, and so on; null for items
 * that are not built-in calls (messages, reasoning, function calls).
 */
export function toolOfItem(itemType: string, t: ToolBilling): string | null {
  if (!itemType.endsWith('_call') || itemType === 'function_call' || itemType === 'custom_tool_call') return null;
  const stem = itemType.slice(0, -'_call'.length);
  return Object.keys(t.perCall).find((type) => type === stem || type.startsWith(stem)) ?? null;
}

/** Units for the built-in calls among an answer's output item types. */
export function toolCharge(itemTypes: string[], t: ToolBilling | null): number {
  if (!t) return 0;
  let units = 0;
  for (const itemType of itemTypes) {
    const tool = toolOfItem(itemType, t);
    if (tool) units += t.perCall[tool];
  }
  return units;
}
