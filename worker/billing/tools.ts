/**
 * The Responses API's hosted tools that providers bill per call (web search, file search, code
 * interpreter, image generation, computer use) run at the provider and are billed per call: at the
 * operator's pricing entry `tool:<type>` (its `price_per_call`, in dollars), else at the provider's
 * published price shipped as data (tool-prices.json; its source in tool-prices.md). Every other
 * tool type (function, custom, namespace, local_shell, shell, apply_patch, mcp, types not yet
 * known) runs at the client or costs nothing apart: it passes on, never refused for want of a
 * price. The relay caps the calls a request may make (`max_tool_calls`) so that the hold bounds
 * their cost too.
 */
import { chargeFor, isPriced, type ModelPrice } from './charge';
import { type Obj, isObj } from '../lib/json';
import shipped from './tool-prices.json';

const SHIPPED: Record<string, number> = shipped;
/** Families whose dated or new names take the family's price. Longest prefix first. */
const FAMILIES = ['web_search_preview', 'web_search', 'computer_use'];

/** The shipped per-call price (dollars) of a hosted tool type, or null for a tool that is not billed per call. */
export function shippedToolPrice(type: string): number | null {
  if (type in SHIPPED) return SHIPPED[type];
  const family = FAMILIES.find((f) => type.startsWith(f));
  return family ? SHIPPED[family] : null;
}

/** A hosted tool the provider runs and bills per call. */
export const isHostedTool = (type: string) => shippedToolPrice(type) !== null;

export const TOOL_PRICE_PREFIX = 'tool:';
/** Built-in tool calls a request may make when it sets no `max_tool_calls` of its own. */
export const DEFAULT_MAX_TOOL_CALLS = 8;

export interface ToolBilling {
  /** Units per call by tool type, group ratio included. */
  perCall: Record<string, number>;
  /** The most calls the request may make (held for, and sent as `max_tool_calls`). */
  maxCalls: number;
}

/** The hosted tool types a Responses body offers (those billed per call). */
export function builtInToolTypes(body: Obj): string[] {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObj) : [];
  return [...new Set(tools.map((t) => t.type).filter((t): t is string => typeof t === 'string' && isHostedTool(t)))];
}

/** The price of one call, the operator's entry first, as a per-call ModelPrice. */
function perCallPrice(type: string, prices: Record<string, ModelPrice>): ModelPrice {
  const model = `${TOOL_PRICE_PREFIX}${type}`;
  const set = prices[model];
  if (isPriced(set) && set.pricePerCall !== null) return set;
  return {
    model,
    modelRatio: null,
    completionRatio: null,
    cacheRatio: null,
    pricePerCall: shippedToolPrice(type) ?? 0,
    maxOutputTokens: null,
  };
}

/** Per-call units for each hosted tool the body offers; null when it offers none. */
export function toolBilling(body: Obj, prices: Record<string, ModelPrice>, groupRatio: number): ToolBilling | null {
  const types = builtInToolTypes(body);
  if (types.length === 0) return null;
  const perCall: Record<string, number> = {};
  for (const type of types)
    perCall[type] = chargeFor(
      perCallPrice(type, prices),
      { promptTokens: 0, completionTokens: 0, cachedTokens: 0 },
      groupRatio,
    );
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

/**
 * The hosted tool calls an answer reports, as Responses output item types: the Responses API's
 * `output` items, or Anthropic's `usage.server_tool_use.web_search_requests` (a converted route).
 */
export function hostedCallsOf(json: Obj): string[] {
  const output = Array.isArray(json.output) ? json.output.filter(isObj) : [];
  const items = output.map((item) => (typeof item.type === 'string' ? item.type : '')).filter(Boolean);
  return [...items, ...anthropicSearches(json.usage)];
}

/** Anthropic's web searches of a usage object, one `web_search_call` each. */
export function anthropicSearches(usage: unknown): string[] {
  const server = isObj(usage) && isObj(usage.server_tool_use) ? usage.server_tool_use : null;
  const n = server && typeof server.web_search_requests === 'number' ? server.web_search_requests : 0;
  return Array.from({ length: Math.max(0, Math.min(n, 1000)) }, () => 'web_search_call');
}
