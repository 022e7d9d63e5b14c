// Channels: type mapped to the relay's, upstream keys sealed with ENCRYPTION_KEY as the Worker
// seals them, status carried (auto-disabled stays auto_disabled); a type the relay cannot serve
// comes in disabled, with a note naming it.
import { channelType } from './channel-types.mjs';
import { seal } from './crypto.mjs';
import { group } from './plan-users.mjs';
import { int, isDeleted, list, mapOf, mapRow, ms, str } from './util.mjs';

/** @typedef {import('./util.mjs').Ctx} Ctx @typedef {import('./util.mjs').Group} Group */

/** one-api / new-api: 1 enabled, 2 disabled by hand, 3 disabled automatically. */
const STATUS = { 1: 'enabled', 2: 'disabled', 3: 'auto_disabled' };

/** Keys one per line, or (new-api, for some types) a JSON array. */
function keysOf(value) {
  const text = str(value).trim();
  if (text.startsWith('[')) {
    try {
      const arr = JSON.parse(text);
      if (Array.isArray(arr)) return arr.map((k) => (typeof k === 'string' ? k : JSON.stringify(k))).filter(Boolean);
    } catch {
      // not JSON: one per line
    }
  }
  return list(text, /\n/);
}

/** @returns {Record<string, string> | null} */
function mappingOf(ctx, r) {
  const text = str(r.model_mapping).trim();
  if (!text || text === '{}') return null;
  try {
    const m = JSON.parse(text);
    const entries = Object.entries(m).filter(([, v]) => typeof v === 'string' && v);
    return entries.length ? Object.fromEntries(entries) : null;
  } catch {
    ctx.notes.push(`channel #${r.id}: its model mapping is not JSON and was left out`);
    return null;
  }
}

/**
 * The relay type, base URL and status, and why the channel is disabled if the import disables it.
 * @param {Ctx} ctx @param {Record<string, unknown>} r @param {number} keyCount
 */
function shapeOf(ctx, r, keyCount) {
  const type = channelType(ctx.flavor, int(r.type));
  const baseUrl = str(r.base_url).trim() || type.base;
  const served = type.relay !== null && ctx.servedTypes.has(type.relay);
  let reason = null;
  if (!served)
    reason = `imported from ${ctx.flavor}: channel type ${int(r.type)} (${type.name}) is not one this relay serves`;
  else if (!baseUrl) reason = `imported from ${ctx.flavor}: no base URL`;
  else if (keyCount === 0) reason = `imported from ${ctx.flavor}: no key`;
  const status = reason ? 'disabled' : (STATUS[int(r.status)] ?? 'disabled');
  if (!reason && status === 'auto_disabled') reason = `auto-disabled on ${ctx.flavor}`;
  return { type: served ? type.relay : 'openai', baseUrl, status, reason, typeName: type.name };
}

/** @param {Ctx} ctx @param {Record<string, unknown>} r */
async function channelRow(ctx, r) {
  const keys = keysOf(r.key);
  const shape = shapeOf(ctx, r, keys.length);
  if (shape.reason && shape.status === 'disabled' && !STATUS[int(r.status)])
    ctx.notes.push(`channel #${r.id}: unknown status ${r.status}, imported disabled`);
  if (!ctx.encryptionKey)
    throw new Error('ENCRYPTION_KEY is needed to seal channel keys (from .dev.vars, --vars, or the environment)');
  return {
    id: ctx.nextId.channels++,
    name: str(r.name) || `channel ${r.id}`,
    type: shape.type,
    base_url: shape.baseUrl,
    keys_sealed: await seal(JSON.stringify(keys), ctx.encryptionKey),
    key_count: keys.length,
    models: list(r.models),
    model_mapping: mappingOf(ctx, r),
    groups: list(r.group).length ? list(r.group) : ['default'],
    priority: int(r.priority),
    weight: Math.max(1, int(r.weight)),
    status: shape.status,
    status_reason: shape.reason,
    created_at: ms(r.created_time) ?? ctx.now,
    updated_at: ctx.now,
  };
}

/** @param {Ctx} ctx @returns {Promise<Group>} */
export async function planChannels(ctx) {
  const done = mapOf(ctx, 'channel');
  const channels = [];
  const maps = [];
  for (const r of ctx.rows('channels')) {
    const sid = String(r.id);
    if (done.has(sid)) continue;
    if (isDeleted(r)) {
      ctx.skipped.push({ kind: 'channel', id: sid, name: str(r.name), why: 'deleted on the source' });
      continue;
    }
    const row = await channelRow(ctx, r);
    if (row.status_reason?.includes('not one this relay serves'))
      ctx.skipped.push({ kind: 'channel', id: sid, name: row.name, why: `imported disabled: ${row.status_reason}` });
    channels.push(row);
    maps.push(mapRow(ctx, 'channel', sid, row.id));
    done.set(sid, row.id);
  }
  return group('channels', { channels, import_map: maps });
}
