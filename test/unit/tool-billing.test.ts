import { describe, expect, it } from 'vitest';
import type { ModelPrice } from '../../worker/billing/charge';
import {
  DEFAULT_MAX_TOOL_CALLS,
  builtInToolTypes,
  toolBilling,
  toolCharge,
  toolHold,
  toolOfItem,
} from '../../worker/billing/tools';

const perCall = (model: string, dollars: number): ModelPrice => ({
  model,
  modelRatio: null,
  completionRatio: null,
  cacheRatio: null,
  pricePerCall: dollars,
  maxOutputTokens: null,
});
const prices = {
  'tool:web_search_preview': perCall('tool:web_search_preview', 0.01),
  'tool:computer_use_preview': perCall('tool:computer_use_preview', 0.002),
};

describe('built-in tool billing', () => {
  it('finds the hosted tools billed per call, not functions or MCP servers', () => {
    expect(
      builtInToolTypes({
        tools: [
          { type: 'function', name: 'f' },
          { type: 'web_search_preview' },
          { type: 'web_search_preview' },
          { type: 'mcp' },
        ],
      }),
    ).toEqual(['web_search_preview']);
    expect(builtInToolTypes({})).toEqual([]);
  });

  it('prices each tool per call with the group ratio, caps the calls and holds the dearest at the cap', () => {
    const t = toolBilling({ tools: [{ type: 'web_search_preview' }, { type: 'computer_use_preview' }] }, prices, 1.5);
    expect(t).toEqual({
      perCall: { web_search_preview: 7500, computer_use_preview: 1500 },
      maxCalls: DEFAULT_MAX_TOOL_CALLS,
    });
    expect(toolHold(t && 'perCall' in t ? t : null)).toBe(7500 * DEFAULT_MAX_TOOL_CALLS);
    expect(toolBilling({ tools: [{ type: 'web_search_preview' }], max_tool_calls: 3 }, prices, 1)).toMatchObject({
      maxCalls: 3,
    });
    // No operator price: the shipped one ($0.0025 a call for file_search).
    expect(toolBilling({ tools: [{ type: 'file_search' }] }, prices, 1)).toEqual({
      perCall: { file_search: 1250 },
      maxCalls: 8,
    });
    expect(toolBilling({ tools: [{ type: 'function', name: 'f' }] }, prices, 1)).toBeNull();
  });

  it('charges the built-in calls among the output items, and nothing else', () => {
    const t = { perCall: { web_search_preview: 5000, computer_use_preview: 1000 }, maxCalls: 8 };
    expect(toolOfItem('web_search_call', t)).toBe('web_search_preview');
    expect(toolOfItem('computer_call', t)).toBe('computer_use_preview');
    expect(toolOfItem('function_call', t)).toBeNull();
    expect(toolOfItem('message', t)).toBeNull();
    expect(
      toolCharge(['reasoning', 'web_search_call', 'web_search_call', 'computer_call', 'message', 'function_call'], t),
    ).toBe(11_000);
    expect(toolCharge(['web_search_call'], null)).toBe(0);
  });
});
