// Prices from the options table (ModelRatio, CompletionRatio, GroupRatio; new-api's ModelPrice and
// CacheRatio) into model_prices and groups, and unused redemption codes.
import { sha256Hex } from './crypto.mjs';
import { group } from './plan-users.mjs';
import { insertStatements } from './sql.mjs';
import { int, isDeleted, mapOf, mapRow, ms, str } from './util.mjs';

/** @typedef {import('./util.mjs').Ctx} Ctx @typedef {import('./util.mjs').Group} Group */

/**
 * The options table as a map of JSON-decoded values where they decode.
 * @param {Ctx} ctx
 * @returns {Map<string, unknown>}
 */
export function optionsOf(ctx) {
  const out = new Map();
  for (const r of ctx.rows('options')) {
    const text = str(r.value);
    try {
      out.set(str(r.key), JSON.parse(text));
    } catch {
      out.set(str(r.key), text);
    }
  }
  return out;
}

/** @returns {Record<string, number>} */
function numbers(v) {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v).filter(([, n]) => typeof n === 'number' && Number.isFinite(n)));
}

const same = (a, b) => a !== undefined && Object.keys(b).every((k) => (a[k] ?? null) === (b[k] ?? null));

/** @param {Ctx} ctx @param {Map<string, unknown>} options */
function modelPrices(ctx, options) {
  const ratio = numbers(options.get('ModelRatio'));
  const completion = numbers(options.get('CompletionRatio'));
  const cache = numbers(options.get('CacheRatio'));
  const perCall = numbers(options.get('ModelPrice'));
  const done = mapOf(ctx, 'price');
  const rows = [];
  const maps = [];
  const defaults = [];
  for (const model of [...new Set([...Object.keys(ratio), ...Object.keys(perCall)])].sort()) {
    if (done.has(model)) continue;
    const fields = {
      model_ratio: model in ratio ? ctx.ratio(ratio[model]) : null,
      completion_ratio: completion[model] ?? null,
      cache_ratio: cache[model] ?? null,
      price_per_call: perCall[model] ?? null,
    };
    if (fields.price_per_call === null && fields.completion_ratio === null) defaults.push(model);
    if (!same(ctx.prices.get(model), fields)) rows.push({ model, ...fields, updated_at: ctx.now });
    maps.push(mapRow(ctx, 'price', model, null));
  }
  if (defaults.length) {
    ctx.notes.push(
      `${defaults.length} model(s) have no CompletionRatio in the source's options (${defaults.slice(0, 5).join(', ')}${defaults.length > 5 ? ', …' : ''}): the old site used its built-in default there; here completions cost the same as prompts until you set one`,
    );
  }
  return { rows, maps };
}

/** @param {Ctx} ctx @param {Map<string, unknown>} options */
function groupRatios(ctx, options) {
  const done = mapOf(ctx, 'group');
  const rows = [];
  const maps = [];
  for (const [name, ratio] of Object.entries(numbers(options.get('GroupRatio')))) {
    if (done.has(name)) continue;
    if (!same(ctx.groups.get(name), { ratio })) rows.push({ name, ratio, updated_at: ctx.now });
    maps.push(mapRow(ctx, 'group', name, null));
  }
  return { rows, maps };
}

const PRICE_SET =
  'ON CONFLICT(model) DO UPDATE SET model_ratio = excluded.model_ratio, completion_ratio = excluded.completion_ratio, cache_ratio = excluded.cache_ratio, price_per_call = excluded.price_per_call, updated_at = excluded.updated_at';
const GROUP_SET = 'ON CONFLICT(name) DO UPDATE SET ratio = excluded.ratio, updated_at = excluded.updated_at';

/** @param {Ctx} ctx @returns {Group} */
export function planPrices(ctx) {
  const options = optionsOf(ctx);
  const prices = modelPrices(ctx, options);
  const groups = groupRatios(ctx, options);
  const history =
    prices.rows.length + groups.rows.length
      ? [
          {
            changed_at: ctx.now,
            changed_by: null,
            change: {
              imported_from: ctx.flavor,
              models: prices.rows.map((r) => r.model),
              groups: groups.rows.map((r) => r.name),
            },
          },
        ]
      : [];
  const base = group('prices', { pricing_history: history, import_map: [...prices.maps, ...groups.maps] });
  return {
    name: 'prices',
    counts: { model_prices: prices.rows.length, groups: groups.rows.length, ...base.counts },
    statements: [
      ...insertStatements('model_prices', prices.rows, PRICE_SET),
      ...insertStatements('groups', groups.rows, GROUP_SET),
      ...base.statements,
    ],
  };
}

/** @param {Ctx} ctx @returns {Promise<Group>} */
export async function planCodes(ctx) {
  const done = mapOf(ctx, 'code');
  const codes = [];
  const maps = [];
  let used = 0;
  for (const r of ctx.rows('redemptions')) {
    const sid = String(r.id);
    if (done.has(sid)) continue;
    const code = str(r.key).trim();
    const expires = ms(r.expired_time);
    if (int(r.status) !== 1 || isDeleted(r) || !code || (expires !== null && expires <= ctx.now)) {
      used++;
      continue;
    }
    const hash = await sha256Hex(code);
    if (ctx.codeHashes.has(hash)) {
      ctx.skipped.push({ kind: 'code', id: sid, name: str(r.name), why: 'the same code is already in the relay' });
      continue;
    }
    ctx.codeHashes.add(hash);
    const id = ctx.nextId.redemption_codes++;
    codes.push({
      id,
      code_hash: hash,
      code_prefix: code.slice(0, 6),
      name: str(r.name) || null,
      quota: ctx.units(r.quota),
      created_by: null,
      created_at: ms(r.created_time) ?? ctx.now,
      expires_at: expires,
    });
    maps.push(mapRow(ctx, 'code', sid, id));
    done.set(sid, id);
  }
  if (used)
    ctx.skipped.push({
      kind: 'code',
      id: '*',
      name: `${used} code(s)`,
      why: 'used, disabled, deleted or expired on the source',
    });
  return group('codes', { redemption_codes: codes, import_map: maps });
}
