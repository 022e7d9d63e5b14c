import { describe, expect, it } from 'vitest';
import { call, chatBody, rootJwt, setPricing, setupCustomer, uniq, upstreamMode } from '../helpers';
import type { Err } from '../support/relay';

interface PriceView {
  model: string;
  cache_write_ratio: number;
  cache_write_1h_ratio: number;
  tiers: unknown[];
  pinned: boolean;
  max_output_tokens: number | null;
}

const modelView = async (model: string) =>
  (await call<{ models: PriceView[] }>('GET', '/api/pricing')).body.models.find((m) => m.model === model);
const TIER = { above_prompt_tokens: 200_000, prompt_multiplier: 2, completion_multiplier: 1.5 };

describe('pricing: cache writes and tiers', () => {
  it("shows a known model's shipped cache-write ratios and tiers; the operator's values win, and null gives them back", async () => {
    const admin = await rootJwt();
    const model = 'claude-sonnet-4-5-20250929';
    try {
      await setPricing(admin, { models: { [model]: { model_ratio: 1.5, completion_ratio: 5 } } });
      expect(await modelView(model)).toMatchObject({
        cache_write_ratio: 1.25,
        cache_write_1h_ratio: 2,
        tiers: [TIER],
        pinned: false,
        max_output_tokens: 64000,
      });
      await setPricing(admin, { models: { [model]: { cache_write_ratio: 1.5, tiers: [], pinned: true } } });
      expect(await modelView(model)).toMatchObject({
        cache_write_ratio: 1.5,
        cache_write_1h_ratio: 2,
        tiers: [],
        pinned: true,
      });
      await setPricing(admin, { models: { [model]: { cache_write_ratio: null, tiers: null, pinned: false } } });
      expect(await modelView(model)).toMatchObject({ cache_write_ratio: 1.25, tiers: [TIER], pinned: false });
    } finally {
      await setPricing(admin, { models: { [model]: null } });
    }
    const unknown = uniq('plain-');
    await setPricing(admin, { models: { [unknown]: { model_ratio: 1, cache_write_ratio: 1.1 } } });
    expect(await modelView(unknown)).toMatchObject({ cache_write_ratio: 1.1, cache_write_1h_ratio: 1.1, tiers: [] });
  });

  it('keeps tiers sorted and refuses bad ones', async () => {
    const admin = await rootJwt();
    const model = uniq('tiers-');
    const high = { above_prompt_tokens: 500_000, prompt_multiplier: 3, completion_multiplier: 2 };
    await setPricing(admin, { models: { [model]: { model_ratio: 1, tiers: [high, TIER] } } });
    expect((await modelView(model))?.tiers).toEqual([TIER, high]);
    for (const tiers of [
      [TIER, TIER],
      [{ ...TIER, prompt_multiplier: 0 }],
      [{ ...TIER, above_prompt_tokens: 1.5 }],
      [{ ...TIER, extra: 1 }],
      'long',
    ]) {
      const res = await call<Err>('PUT', '/api/pricing', { jwt: admin, body: { models: { [model]: { tiers } } } });
      expect(res.status, JSON.stringify(tiers)).toBe(400);
    }
    expect(
      (
        await call<Err>('PUT', '/api/pricing', {
          jwt: admin,
          body: { models: { [model]: { cache_write_1h_ratio: -1 } } },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call<Err>('PUT', '/api/pricing', { jwt: admin, body: { models: { [model]: { pinned: 'yes' } } } })).status,
    ).toBe(400);
  });

  it("bills a whole request at its tier's rates: one prompt token under the threshold and one over", async () => {
    const tiers = [{ above_prompt_tokens: 1000, prompt_multiplier: 2, completion_multiplier: 1.5 }];
    const { token, model, channel } = await setupCustomer({ price: { model_ratio: 1, completion_ratio: 2, tiers } });
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 1000, completion_tokens: 100 } });
    const under = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    // 1000 + 100*2
    expect(under.headers.get('x-quota-charged')).toBe('1200');
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 1001, completion_tokens: 100 } });
    const over = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    // 2*1001 + 1.5*100*2
    expect(over.headers.get('x-quota-charged')).toBe('2302');
  });

  it('holds the prompt at the rates of the tier it falls in', async () => {
    const tiers = [{ above_prompt_tokens: 5, prompt_multiplier: 1000, completion_multiplier: 1 }];
    const { token, model } = await setupCustomer({ quota: 5000, price: { model_ratio: 1, tiers } });
    // About 11 prompt tokens: 11 + 16 units at the base rate, over 11,000 in the tier.
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(402);
    const base = await setupCustomer({ quota: 5000, price: { model_ratio: 1 } });
    expect(
      (await call('POST', '/v1/chat/completions', { key: base.token.key, body: chatBody(base.model) })).status,
    ).toBe(200);
  });
});
