// The edges of the pure billing core that the formula tests (billing.test.ts, tool-billing.test.ts)
// leave open; written against the mutants StrykerJS found alive (npm run mutate).
import { describe, expect, it } from 'vitest';
import { chargeFor, isPriced, type ModelPrice } from '../../worker/billing/charge';
import { ceil, dec, sub, decimalString } from '../../worker/billing/decimal';
import { holdUnits, largestAllowance, type HoldPlan } from '../../worker/billing/hold';
import { outputLimitOf, shippedOutputLimit } from '../../worker/billing/output-limits';
import { builtInToolTypes, toolBilling, toolOfItem } from '../../worker/billing/tools';

const price = (p: Partial<ModelPrice>): ModelPrice => ({
  model: 'm',
  modelRatio: null,
  completionRatio: null,
  cacheRatio: null,
  pricePerCall: null,
  maxOutputTokens: null,
  ...p,
});

describe('decimal: parsing', () => {
  it('reads text with spaces around it, and either side of the point alone', () => {
    expect(dec(' 1.50 ')).toEqual({ units: 150n, scale: 2 });
    expect(dec('.5')).toEqual({ units: 5n, scale: 1 });
    expect(dec('5.')).toEqual({ units: 5n, scale: 0 });
    expect(dec('-0.25')).toEqual({ units: -25n, scale: 2 });
  });
  it('refuses anything else, saying what it was given', () => {
    for (const bad of ['', '.', '-', 'x1', '1x', '1.2.3', '1e5', ' - 1'])
      expect(() => dec(bad), bad).toThrow(`not a decimal: ${bad.trim()}`);
    expect(() => dec(Number.NaN)).toThrow('not a finite number: NaN');
    expect(() => dec(Number.POSITIVE_INFINITY)).toThrow('not a finite number: Infinity');
  });
  it('reads every digit of numbers JS prints in exponent form', () => {
    expect(decimalString(dec(1.25e-7))).toBe('0.000000125');
    expect(decimalString(dec(-3e-7))).toBe('-0.0000003');
    expect(decimalString(dec(1.2345e25))).toBe('12345000000000000000000000');
  });
});

describe('decimal: ceil and text of negatives', () => {
  it('ceils toward positive infinity on both sides of zero', () => {
    expect(ceil(dec('-1.5'))).toBe(-1n);
    expect(ceil(dec('-0.5'))).toBe(0n);
    expect(ceil(dec('-2'))).toBe(-2n);
    expect(ceil(dec('1.5'))).toBe(2n);
  });
  it('writes negatives with their sign and leading zeros', () => {
    expect(decimalString(dec('-1.50'))).toBe('-1.5');
    expect(decimalString(dec('-0.05'))).toBe('-0.05');
    expect(decimalString(sub(dec(1), dec(3)))).toBe('-2');
    expect(decimalString(dec('0.0'))).toBe('0');
  });
});

describe('chargeFor and isPriced', () => {
  it('a model is priced by a per-call price or a model ratio', () => {
    expect(isPriced(undefined)).toBe(false);
    expect(isPriced(price({}))).toBe(false);
    expect(isPriced(price({ modelRatio: 0.5 }))).toBe(true);
    expect(isPriced(price({ pricePerCall: 0.01 }))).toBe(true);
    expect(isPriced(price({ modelRatio: 0 }))).toBe(true);
  });
  it('charges at least 1 unit for any tokens, prompt or completion alone, even at a zero ratio', () => {
    expect(chargeFor(price({ modelRatio: 0 }), { promptTokens: 10, completionTokens: 0, cachedTokens: 0 }, 1)).toBe(1);
    expect(chargeFor(price({ modelRatio: 0 }), { promptTokens: 0, completionTokens: 5, cachedTokens: 0 }, 1)).toBe(1);
    expect(chargeFor(price({ modelRatio: 1 }), { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }, 1)).toBe(0);
  });
});

describe('the hold', () => {
  const plan = (p: Partial<HoldPlan> = {}): HoldPlan => ({
    price: price({ modelRatio: 1 }),
    groupRatio: 1,
    promptTokens: 100,
    choices: 1,
    wanted: 1000,
    min: 16,
    ...p,
  });
  it('adds the fixed part (built-in tool calls) to the tokens', () => {
    expect(holdUnits(plan({ fixed: 40_000 }), 100)).toBe(40_200);
    expect(largestAllowance(plan({ fixed: 1000 }), 1100 + 16)).toBe(16);
    expect(largestAllowance(plan({ fixed: 1000 }), 1100 + 15)).toBeNull();
  });
});

describe('output limits', () => {
  it('finds a model, or its undated family, in the shipped table', () => {
    expect(shippedOutputLimit('gpt-4o')).toBe(16384);
    expect(shippedOutputLimit('gpt-4-0613')).toBe(4096);
    expect(shippedOutputLimit('o1-20991231')).toBe(100000);
    expect(shippedOutputLimit('o1-2099-12-31')).toBe(100000);
    expect(shippedOutputLimit('o1-2099')).toBe(100000);
    expect(shippedOutputLimit('o1-209')).toBeNull();
    expect(shippedOutputLimit('o1-x2099')).toBeNull();
    expect(shippedOutputLimit('gpt-4o-2099-mini')).toBeNull(); // a date only at the end
    expect(shippedOutputLimit('no-such-model-2024-01-01')).toBeNull();
    expect(shippedOutputLimit('no-such-model')).toBeNull();
  });
  it("the operator's value wins", () => {
    expect(outputLimitOf({ model: 'gpt-4o', maxOutputTokens: 300 })).toBe(300);
    expect(outputLimitOf({ model: 'gpt-4o', maxOutputTokens: null })).toBe(16384);
    expect(outputLimitOf({ model: 'no-such-model', maxOutputTokens: null })).toBeNull();
  });
});

describe('built-in tools', () => {
  const perCall = (dollars: number) => price({ pricePerCall: dollars });
  it('reads only object tools with a type that is not a function or custom tool', () => {
    expect(
      builtInToolTypes({
        tools: [
          null,
          'web_search',
          7,
          { name: 'no type' },
          { type: 5 },
          { type: 'custom' },
          { type: 'function' },
          { type: 'file_search' },
        ],
      }),
    ).toEqual(['file_search']);
    expect(builtInToolTypes({ tools: 'web_search' })).toEqual([]);
  });
  it('a tool entry priced by tokens, not per call, falls back to the shipped per-call price', () => {
    // file_search ships at $0.0025 a call: 1,250 units.
    expect(
      toolBilling({ tools: [{ type: 'file_search' }] }, { 'tool:file_search': price({ modelRatio: 1 }) }, 1),
    ).toEqual({ perCall: { file_search: 1250 }, maxCalls: 8 });
  });
  it('takes max_tool_calls only as a number', () => {
    const prices = { 'tool:file_search': perCall(0.001) };
    expect(toolBilling({ tools: [{ type: 'file_search' }], max_tool_calls: '3' }, prices, 1)).toEqual({
      perCall: { file_search: 500 },
      maxCalls: 8,
    });
    expect(toolBilling({ tools: [{ type: 'file_search' }], max_tool_calls: 0 }, prices, 1)).toEqual({
      perCall: { file_search: 500 },
      maxCalls: 0,
    });
  });
  it('maps a call item to its tool by the whole stem, never a function or custom call', () => {
    const t = { perCall: { file_x: 1, function_tool: 1, custom_tool: 1, code_interpreter: 1 }, maxCalls: 8 };
    expect(toolOfItem('file_search_call', t)).toBeNull();
    expect(toolOfItem('function_call', t)).toBeNull();
    expect(toolOfItem('custom_tool_call', t)).toBeNull();
    expect(toolOfItem('code_interpreter_call', t)).toBe('code_interpreter');
    expect(toolOfItem('code_interpreter', t)).toBeNull();
  });
});
