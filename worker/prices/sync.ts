/**
 * The price sync: reads the source table (or the shipped copy when it cannot be fetched or
 * parsed), plans with the guards (worker/billing/price-sync-plan.ts), and applies the plan as a
 * price change like any other: the rows, the price history (source "sync"), the snapshot, and
 * the subscribers' mail.
 */
import type { Env } from '../env';
import { dbOf, runBatch, type Statement } from '../db/client';
import { recordPricingChange, upsertModelPrice } from '../db/pricing';
import { setOption, optionValue } from '../db/options';
import { loadPricingFromDb, refreshPricing } from '../db/snapshots';
import { notePriceChange } from '../mail/prices';
import { asPriceTable, type PriceTable } from '../billing/price-table';
import { planSync, type SyncPlan } from '../billing/price-sync-plan';
import shippedTable from '../billing/model-table.json';
import { loadPriceSync } from './options';

const FETCH_TIMEOUT_MS = 15_000;
const MAX_TABLE_BYTES = 32 * 1024 * 1024;
const LAST_KEY = 'price_sync_last';

export interface SyncResult extends SyncPlan {
  dry_run: boolean;
  /** Where the prices came from: the source URL, or the copy shipped with the relay. */
  source: 'source_url' | 'shipped';
  /** Why the source was not used (null when it was). */
  source_error: string | null;
  at: string;
  trigger: string;
}

/** The source table, or the reason it cannot be used. */
async function fetchTable(url: string): Promise<PriceTable | string> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) return `the source answered ${res.status}`;
    if (Number(res.headers.get('content-length') ?? 0) > MAX_TABLE_BYTES) return 'the source is too large';
    const text = await res.text();
    if (text.length > MAX_TABLE_BYTES) return 'the source is too large';
    const table = asPriceTable(JSON.parse(text));
    return table ?? 'the source is not a model table';
  } catch (err) {
    return err instanceof SyntaxError
      ? 'the source is not JSON'
      : `the source cannot be fetched: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function applyStatements(env: Env, plan: SyncPlan, now: number): Statement[] {
  const db = dbOf(env.DB);
  const statements: Statement[] = plan.changed.map(({ model, after }) =>
    upsertModelPrice(
      db,
      model,
      {
        modelRatio: after.model_ratio,
        completionRatio: after.completion_ratio,
        cacheRatio: after.cache_ratio,
        cacheWriteRatio: after.cache_write_ratio,
        cacheWrite1hRatio: after.cache_write_1h_ratio,
        tiers: after.tiers,
      },
      now,
    ),
  );
  const models = Object.fromEntries(plan.changed.map((c) => [c.model, c.after]));
  statements.push(recordPricingChange(db, null, { models }, now, 'sync'));
  return statements;
}

/** Runs a sync: with `dryRun` it only answers what it would do. `base` is the mail links' base. */
export async function syncPrices(
  env: Env,
  opts: { dryRun: boolean; trigger: string; base: string | null; now?: number },
): Promise<SyncResult> {
  const now = opts.now ?? Date.now();
  const settings = await loadPriceSync(env);
  const fetched = await fetchTable(settings.source_url);
  const table = typeof fetched === 'string' ? asPriceTable(shippedTable) : fetched;
  if (!table) throw new Error('the shipped model table is empty');
  const before = await loadPricingFromDb(env);
  const plan = planSync(Object.values(before.models), table, settings);
  const result: SyncResult = {
    dry_run: opts.dryRun,
    source: typeof fetched === 'string' ? 'shipped' : 'source_url',
    source_error: typeof fetched === 'string' ? fetched : null,
    ...plan,
    at: new Date(now).toISOString(),
    trigger: opts.trigger,
  };
  if (opts.dryRun) return result;
  const db = dbOf(env.DB);
  const statements = plan.changed.length > 0 ? applyStatements(env, plan, now) : [];
  await runBatch(db, [...statements, setOption(db, LAST_KEY, result, now)]);
  if (plan.changed.length > 0) {
    const after = await refreshPricing(env);
    await notePriceChange(
      env,
      before,
      after,
      plan.changed.map((c) => c.model),
      opts.base,
    );
  }
  return result;
}

/** The last sync that was not a dry run, or null. */
export async function lastSync(env: Env): Promise<SyncResult | null> {
  const value = await optionValue(dbOf(env.DB), LAST_KEY);
  return value && typeof value === 'object' && 'changed' in value ? (value as SyncResult) : null;
}
