import { describe, expect, it } from 'vitest';
import { chargeFor, reservationFor, type ModelPrice } from '../../worker/billing/charge';
import { holdUnits, largestAllowance, type HoldPlan } from '../../worker/billing/hold';
import { add, ceil, dec, mul, decimalString } from '../../worker/billing/decimal';

const price = (p: Partial<ModelPrice>): ModelPrice => ({
  model: 'm',
  modelRatio: null,
  completionRatio: null,
  cacheRatio: null,
  pricePerCall: null,
  maxOutputTokens: null,
  ...p,
});
const usage = (promptTokens: number, completionTokens: number, cachedTokens = 0) => ({
  promptTokens,
  completionTokens,
  cachedTokens,
});

describe('decimal', () => {
  it('multiplies decimals exactly: 0.1 * 3 is 0.3', () => {
    expect(decimalString(mul(dec(0.1), dec(3)))).toBe('0.3');
    expect(decimalString(add(dec(0.1), dec(0.2)))).toBe('0.3');
  });

  it('ceils only true fractions', () => {
    expect(ceil(mul(dec(0.1), dec(30)))).toBe(3n);
    expect(ceil(dec('3.0000001'))).toBe(4n);
    expect(ceil(dec(0))).toBe(0n);
  });

  it('reads numbers JS prints in exponent form', () => {
    expect(decimalString(dec(1e-7))).toBe('0.0000001');
    expect(decimalString(dec(1.5e21))).toBe('1500000000000000000000');
  });
});

describe('chargeFor', () => {
  it('applies the contract formula with completion and group ratios', () => {
    // (10 + 5*3) * 2.5 * 1 = 62.5 -> 63
    expect(chargeFor(price({ modelRatio: 2.5, completionRatio: 3 }), usage(10, 5), 1)).toBe(63);
    // (100 + 50*2) * 0.75 * 0.8 = 120
    expect(chargeFor(price({ modelRatio: 0.75, completionRatio: 2 }), usage(100, 50), 0.8)).toBe(120);
  });

  it('is exact where floating point is not: 0.1 * 3 tokens is 0.3 -> 1, and 0.1*30 is exactly 3', () => {
    expect(chargeFor(price({ modelRatio: 0.1 }), usage(3, 0), 1)).toBe(1);
    expect(chargeFor(price({ modelRatio: 0.1 }), usage(30, 0), 1)).toBe(3);
    // 0.07 * 100 is 7.000000000000001 in floating point; exactly 7 here
    expect(chargeFor(price({ modelRatio: 0.07 }), usage(100, 0), 1)).toBe(7);
    expect(chargeFor(price({ modelRatio: 1.1 }), usage(10, 0), 1.1)).toBe(13); // 12.1 -> 13
  });

  it('rounds up and charges at least 1 unit when any token was used', () => {
    expect(chargeFor(price({ modelRatio: 0.001 }), usage(1, 0), 1)).toBe(1);
    expect(chargeFor(price({ modelRatio: 0.5 }), usage(3, 0), 1)).toBe(2);
    expect(chargeFor(price({ modelRatio: 2 }), usage(0, 0), 1)).toBe(0);
  });

  it('bills cached prompt tokens at the cache ratio', () => {
    // P=100, K=40, cache 0.1, C=10, completion 4, model 1: 60 + 4 + 40 = 104
    expect(chargeFor(price({ modelRatio: 1, completionRatio: 4, cacheRatio: 0.1 }), usage(100, 10, 40), 1)).toBe(104);
    // unset cache ratio: cached tokens cost as much as other prompt tokens
    expect(chargeFor(price({ modelRatio: 1 }), usage(100, 0, 40), 1)).toBe(100);
  });

  it('charges a per-call price in units, times the group ratio', () => {
    expect(chargeFor(price({ pricePerCall: 0.02 }), usage(1000, 1000), 1)).toBe(10_000);
    expect(chargeFor(price({ pricePerCall: 0.0000033 }), usage(0, 0), 1)).toBe(2); // 1.65 -> 2
    expect(chargeFor(price({ pricePerCall: 0.1 }), usage(0, 0), 0.3)).toBe(15_000);
  });

  it('reserves the prompt plus the completion allowance at full price', () => {
    expect(reservationFor(price({ modelRatio: 2, completionRatio: 3 }), 10, 100, 1)).toBe(620);
    expect(reservationFor(price({ pricePerCall: 0.01 }), 10, 100, 1)).toBe(5000);
  });
});

describe('largestAllowance', () => {
  const plan = (p: Partial<HoldPlan> = {}): HoldPlan => ({
    price: price({ modelRatio: 1, completionRatio: 2 }),
    groupRatio: 1,
    promptTokens: 100,
    choices: 1,
    wanted: 1000,
    min: 16,
    ...p,
  });

  it('answers the wanted allowance when it fits', () => {
    expect(largestAllowance(plan(), 100 + 2000)).toBe(1000);
  });

  it('answers the largest allowance the units cover, exactly', () => {
    // 100 + 2C <= 500 -> C = 200; 501 still gives 200
    expect(largestAllowance(plan(), 500)).toBe(200);
    expect(largestAllowance(plan(), 501)).toBe(200);
    expect(holdUnits(plan(), 200)).toBe(500);
    // two choices each get half
    expect(largestAllowance(plan({ choices: 2 }), 500)).toBe(100);
  });

  it('refuses below the least allowance, and a prompt that alone does not fit', () => {
    expect(largestAllowance(plan(), 100 + 2 * 15)).toBeNull();
    expect(largestAllowance(plan(), 100 + 2 * 16)).toBe(16);
    expect(largestAllowance(plan(), 50)).toBeNull();
  });

  it('keeps a smaller wanted allowance than the minimum when it fits', () => {
    expect(largestAllowance(plan({ wanted: 5 }), 200)).toBe(5);
    expect(largestAllowance(plan({ wanted: 5 }), 105)).toBeNull();
  });

  it('a per-call price fits or does not, whatever the allowance', () => {
    const perCall = plan({ price: price({ pricePerCall: 0.002 }) });
    expect(largestAllowance(perCall, 1000)).toBe(1000);
    expect(largestAllowance(perCall, 999)).toBeNull();
  });

  it('embeddings hold the prompt only', () => {
    expect(largestAllowance(plan({ wanted: 0, min: 0 }), 100)).toBe(0);
  });
});
