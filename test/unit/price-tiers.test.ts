import { describe, expect, it } from 'vitest';
import { chargeFor, effectiveRates, tierFor, type ModelPrice } from '../../worker/billing/charge';
import { holdUnits, largestAllowance } from '../../worker/billing/hold';
import { div, dec, decimalString } from '../../worker/billing/decimal';
import { asPriceTable, ratesOfRow, rowOf } from '../../worker/billing/price-table';
import { shippedRates } from '../../worker/billing/shipped-prices';
import shippedTable from '../../worker/billing/model-table.json';
import shippedPrices from '../../worker/billing/model-prices.json';

const price = (p: Partial<ModelPrice>): ModelPrice => ({
  model: 'm',
  modelRatio: null,
  completionRatio: null,
  cacheRatio: null,
  pricePerCall: null,
  maxOutputTokens: null,
  ...p,
});
/** Claude Sonnet's rates: $3 / MTok in (ratio 1.5), $15 out (5x), reads 0.1x. */
const sonnet = (p: Partial<ModelPrice> = {}) =>
  price({ model: 'claude-sonnet-4-5', modelRatio: 1.5, completionRatio: 5, cacheRatio: 0.1, ...p });
const TIER = { above_prompt_tokens: 200_000, prompt_multiplier: 2, completion_multiplier: 1.5 };

describe('cache writes', () => {
  // The call: 1,000 plain prompt tokens, 3,000 written to the 5-minute cache and 1,000 to
  // the 1-hour cache, 740 completion tokens. Billed without the writes' rates it was 13,050.
  const call = {
    promptTokens: 5000,
    completionTokens: 740,
    cachedTokens: 0,
    cacheWriteTokens: 3000,
    cacheWrite1hTokens: 1000,
  };

  it('bills the issue figures as the provider does: 15,675 units', () => {
    // (1000 + 3000*1.25 + 1000*2 + 740*5) * 1.5 = 15675
    expect(chargeFor(sonnet({ model: 'custom', cacheWriteRatio: 1.25, cacheWrite1hRatio: 2 }), call, 1)).toBe(15_675);
    expect(chargeFor(sonnet({ model: 'custom' }), call, 1)).toBe(13_050);
  });

  it("takes a known model's shipped ratios, and the operator's over them", () => {
    expect(chargeFor(sonnet(), call, 1)).toBe(15_675);
    expect(chargeFor(sonnet({ cacheWriteRatio: 1, cacheWrite1hRatio: 1 }), call, 1)).toBe(13_050);
  });

  it('defaults an unknown model to 1 for the 5-minute write and the 5-minute ratio for the 1-hour one', () => {
    expect(effectiveRates(price({ model: 'unknown-x' }))).toEqual({
      cacheWriteRatio: 1,
      cacheWrite1hRatio: 1,
      tiers: [],
    });
    expect(effectiveRates(price({ model: 'unknown-x', cacheWriteRatio: 1.5 }))).toEqual({
      cacheWriteRatio: 1.5,
      cacheWrite1hRatio: 1.5,
      tiers: [],
    });
    // W = 10 at 1.5 and H = 10 at 1.5, ratio 1: 30 units
    expect(
      chargeFor(
        price({ model: 'unknown-x', modelRatio: 1, cacheWriteRatio: 1.5 }),
        { promptTokens: 20, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 10, cacheWrite1hTokens: 10 },
        1,
      ),
    ).toBe(30);
  });

  it('computes exact decimals before the ceiling', () => {
    // 30 * 0.1 is 3, not 3.0000000000000004 (which would ceil to 4)
    expect(
      chargeFor(
        price({ modelRatio: 1, cacheWriteRatio: 0.1 }),
        { promptTokens: 30, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 30 },
        1,
      ),
    ).toBe(3);
    expect(
      chargeFor(
        price({ modelRatio: 0.1, cacheWrite1hRatio: 3, cacheWriteRatio: 1 }),
        { promptTokens: 10, completionTokens: 0, cachedTokens: 0, cacheWrite1hTokens: 10 },
        1,
      ),
    ).toBe(3);
  });

  it('never counts more cache reads and writes than the prompt has', () => {
    const over = {
      promptTokens: 100,
      completionTokens: 0,
      cachedTokens: 60,
      cacheWriteTokens: 60,
      cacheWrite1hTokens: 60,
    };
    // 60 reads at 0 and 40 writes at 2: 80
    expect(chargeFor(price({ modelRatio: 1, cacheRatio: 0, cacheWriteRatio: 2 }), over, 1)).toBe(80);
  });
});

describe('price tiers', () => {
  it('bills the issue figures: a 250k prompt on a long-context model is 751,125 units', () => {
    // (250000*2 + 100*5*1.5) * 1.5 = 751125; without the tier it was 375,750
    expect(chargeFor(sonnet(), { promptTokens: 250_000, completionTokens: 100, cachedTokens: 0 }, 1)).toBe(751_125);
    expect(chargeFor(sonnet({ tiers: [] }), { promptTokens: 250_000, completionTokens: 100, cachedTokens: 0 }, 1)).toBe(
      375_750,
    );
  });

  it('applies a tier only above its threshold: one token under and one over', () => {
    const p = price({ model: 'tiered', modelRatio: 1, completionRatio: 2, tiers: [TIER] });
    expect(chargeFor(p, { promptTokens: 199_999, completionTokens: 10, cachedTokens: 0 }, 1)).toBe(199_999 + 20);
    expect(chargeFor(p, { promptTokens: 200_000, completionTokens: 10, cachedTokens: 0 }, 1)).toBe(200_000 + 20);
    expect(chargeFor(p, { promptTokens: 200_001, completionTokens: 10, cachedTokens: 0 }, 1)).toBe(400_002 + 30);
  });

  it('takes the highest tier the prompt exceeds, whatever the order given', () => {
    const tiers = [{ above_prompt_tokens: 500_000, prompt_multiplier: 3, completion_multiplier: 2 }, TIER];
    expect(tierFor(tiers, 200_001)).toEqual(TIER);
    expect(tierFor(tiers, 500_001)?.prompt_multiplier).toBe(3);
    expect(tierFor(tiers, 100)).toBeNull();
  });

  it('multiplies cache reads and writes by the tier too', () => {
    const p = price({ model: 'tiered', modelRatio: 1, cacheRatio: 0.1, cacheWriteRatio: 1.25, tiers: [TIER] });
    // 2 * (100000 + 100000*0.1 + 100001*1.25) = 2 * 235001.25 = 470002.5 -> 470003
    expect(
      chargeFor(p, { promptTokens: 300_001, completionTokens: 0, cachedTokens: 100_000, cacheWriteTokens: 100_001 }, 1),
    ).toBe(470_003);
  });

  it('holds the prompt in the tier it falls in', () => {
    const p = price({ model: 'tiered', modelRatio: 1, completionRatio: 1, tiers: [TIER] });
    const plan = (promptTokens: number) => ({
      price: p,
      groupRatio: 1,
      promptTokens,
      choices: 1,
      wanted: 1000,
      min: 16,
    });
    expect(holdUnits(plan(200_000), 1000)).toBe(201_000);
    expect(holdUnits(plan(200_001), 1000)).toBe(400_002 + 1500);
    // The largest allowance that fits 400,002 + 1.5 * 100 units is 100.
    expect(largestAllowance(plan(200_001), 400_152)).toBe(100);
  });
});

describe('the model table', () => {
  it('divides prices into exact decimal ratios', () => {
    expect(decimalString(div(dec(3.75e-6), dec(3e-6)))).toBe('1.25');
    expect(decimalString(div(dec(1), dec(3), 4))).toBe('0.3333');
    expect(decimalString(div(dec(2), dec(3), 4))).toBe('0.6667');
  });

  it('reads a row into ratios, markup included; a half row gives none', () => {
    const row = {
      input_cost_per_token: 3e-6,
      output_cost_per_token: 1.5e-5,
      cache_read_input_token_cost: 3e-7,
      cache_creation_input_token_cost: 3.75e-6,
      cache_creation_input_token_cost_above_1hr: 6e-6,
      input_cost_per_token_above_200k_tokens: 6e-6,
      output_cost_per_token_above_200k_tokens: 2.25e-5,
    };
    expect(ratesOfRow(row)).toEqual({
      model_ratio: 1.5,
      completion_ratio: 5,
      cache_ratio: 0.1,
      cache_write_ratio: 1.25,
      cache_write_1h_ratio: 2,
      tiers: [TIER],
    });
    expect(ratesOfRow({ input_cost_per_token: 1.1e-6, output_cost_per_token: 4.4e-6 }, 1.1)).toMatchObject({
      model_ratio: 0.605,
      completion_ratio: 4,
      cache_ratio: null,
      tiers: null,
    });
    expect(ratesOfRow({ input_cost_per_token: 1e-6 })).toBeNull();
    expect(ratesOfRow({ input_cost_per_token: '1e-6', output_cost_per_token: 2e-6 })).toBeNull();
  });

  it('finds a model under its provider prefix, and refuses what is not a table', () => {
    const table = asPriceTable({ 'openai/gpt-x': { input_cost_per_token: 1e-6 }, junk: 3 })!;
    expect(rowOf(table, 'gpt-x')).toEqual({ input_cost_per_token: 1e-6 });
    expect(rowOf(table, 'junk')).toBeNull();
    for (const bad of [null, [], 'text', 3, {}]) expect(asPriceTable(bad)).toBeNull();
  });

  it("ships the script's defaults exactly as the relay derives them from the shipped copy", () => {
    const table = asPriceTable(shippedTable)!;
    const derived: Record<string, unknown> = {};
    for (const name of Object.keys(table)) {
      const r = ratesOfRow(table[name]);
      if (!r) continue;
      const d = {
        cache_write_ratio: r.cache_write_ratio ?? undefined,
        cache_write_1h_ratio: r.cache_write_1h_ratio ?? undefined,
        tiers: r.tiers ?? undefined,
      };
      if (Object.values(d).some((v) => v !== undefined)) derived[name] = JSON.parse(JSON.stringify(d)) as unknown;
    }
    expect(derived).toEqual(shippedPrices);
    expect(shippedRates('claude-sonnet-4-5')).toEqual({
      cache_write_ratio: 1.25,
      cache_write_1h_ratio: 2,
      tiers: [TIER],
    });
    expect(shippedRates('claude-opus-4-7-20260416')?.cache_write_1h_ratio).toBe(2);
    expect(shippedRates('gpt-5')).toBeNull();
  });
});
