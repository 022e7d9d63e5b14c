/**
 * Price changes: `PUT /api/pricing` records each model whose effective price moved (once, under one
 * batch id) and queues one fan-out message; the consumer then queues one mail per subscriber.
 */
import type { Env } from '../env';
import type { PricingSnapshot } from '../db/snapshots';
import type { ModelUsdPrice } from '../db/schema';
import { dbOf } from '../db/client';
import { insertPriceChanges, type NewPriceChange } from '../db/price-changes';

/** Model ratio 1 is $2 per million input tokens; output is that times the completion ratio. */
export const USD_PER_M_AT_RATIO_1 = 2;

type PricedModel = PricingSnapshot['models'][string];

export function usdPrice(m: PricedModel | undefined): ModelUsdPrice | null {
  if (!m) return null;
  if (m.pricePerCall !== null) return { input: null, output: null, perCall: m.pricePerCall };
  if (m.modelRatio === null) return null;
  const input = m.modelRatio * USD_PER_M_AT_RATIO_1;
  return { input, output: input * (m.completionRatio ?? 1), perCall: null };
}

const same = (a: ModelUsdPrice | null, b: ModelUsdPrice | null) => JSON.stringify(a) === JSON.stringify(b);

/** The models among `models` whose effective price differs between the two snapshots. */
export function priceDiff(
  before: PricingSnapshot,
  after: PricingSnapshot,
  models: string[],
  now: number,
  batch: string,
): NewPriceChange[] {
  const out: NewPriceChange[] = [];
  for (const model of models) {
    const was = usdPrice(before.models[model]);
    const is = usdPrice(after.models[model]);
    if (!same(was, is)) out.push({ batch, model, before: was, after: is, changedAt: now });
  }
  return out;
}

/**
 * Records what a pricing change did to effective prices and queues the mails for it. Mail must
 * never undo a price change: a failure here is logged, not thrown.
 */
export async function notePriceChange(
  env: Env,
  before: PricingSnapshot,
  after: PricingSnapshot,
  models: string[],
  base: string | null,
): Promise<void> {
  try {
    const batch = crypto.randomUUID();
    const rows = priceDiff(before, after, models, Date.now(), batch);
    if (rows.length === 0) return;
    await insertPriceChanges(dbOf(env.DB), rows);
    await env.MAIL_QUEUE?.send({ type: 'price_fanout', batch, base });
  } catch (err) {
    console.error('price change notice failed:', err instanceof Error ? err.message : err);
  }
}
