import { describe, expect, it } from 'vitest';
import { anthropicSearches, hostedCallsOf, isHostedTool, shippedToolPrice } from '../../worker/billing/tools';
import { dec, decimalString, div } from '../../worker/billing/decimal';

describe('hosted tools: shipped prices and the calls an answer reports', () => {
  it('prices a hosted tool by its type or its family, and nothing else', () => {
    expect(shippedToolPrice('web_search')).toBe(0.01);
    expect(shippedToolPrice('web_search_preview_2030_01_01')).toBe(0.025);
    expect(shippedToolPrice('web_search_2031')).toBe(0.01);
    expect(shippedToolPrice('computer_use_2032')).toBe(0);
    expect(shippedToolPrice('file_search')).toBe(0.0025);
    for (const type of ['function', 'custom', 'namespace', 'mcp', 'local_shell', 'apply_patch', 'web', 'search']) {
      expect(shippedToolPrice(type), type).toBeNull();
      expect(isHostedTool(type), type).toBe(false);
    }
    expect(isHostedTool('code_interpreter')).toBe(true);
  });

  it("reads Responses output items and Anthropic's server-side searches", () => {
    expect(
      hostedCallsOf({ output: [{ type: 'web_search_call' }, { type: 'message' }, { type: 5 }, null, 'x'] }),
    ).toEqual(['web_search_call', 'message']);
    expect(hostedCallsOf({ output: 'nope', usage: { server_tool_use: { web_search_requests: 2 } } })).toEqual([
      'web_search_call',
      'web_search_call',
    ]);
    expect(hostedCallsOf({})).toEqual([]);
    expect(anthropicSearches({ server_tool_use: { web_search_requests: 0 } })).toEqual([]);
    expect(anthropicSearches({ server_tool_use: { web_search_requests: -3 } })).toEqual([]);
    expect(anthropicSearches({ server_tool_use: { web_search_requests: '2' } })).toEqual([]);
    expect(anthropicSearches({ server_tool_use: null })).toEqual([]);
    expect(anthropicSearches(null)).toEqual([]);
    expect(anthropicSearches({ server_tool_use: { web_search_requests: 5000 } })).toHaveLength(1000);
    expect(anthropicSearches({ server_tool_use: { web_search_requests: 1000 } })).toHaveLength(1000);
    expect(anthropicSearches({ server_tool_use: { web_search_requests: 999 } })).toHaveLength(999);
  });
});

describe('decimal division', () => {
  it('is exact where the quotient terminates, and rounds half away from zero', () => {
    expect(decimalString(div(dec(3.75e-6), dec(3e-6)))).toBe('1.25');
    expect(decimalString(div(dec(1), dec(3), 4))).toBe('0.3333');
    expect(decimalString(div(dec(2), dec(3), 4))).toBe('0.6667');
    expect(decimalString(div(dec(1), dec(8), 2))).toBe('0.13');
    expect(decimalString(div(dec(-1), dec(8), 2))).toBe('-0.13');
    expect(decimalString(div(dec(1), dec(-8), 2))).toBe('-0.13');
    expect(decimalString(div(dec(-1), dec(-8), 2))).toBe('0.13');
    expect(decimalString(div(dec(1), dec(16), 3))).toBe('0.063');
    expect(decimalString(div(dec(1), dec(32), 4))).toBe('0.0313');
    expect(decimalString(div(dec(10), dec(4), 0))).toBe('3');
    expect(decimalString(div(dec(9), dec(4), 0))).toBe('2');
    expect(() => div(dec(1), dec(0))).toThrow('division by zero');
  });
});
