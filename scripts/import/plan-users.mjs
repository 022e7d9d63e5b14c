// Users (with their opening balance as one `initial` ledger row) and their API keys.
import { isIP } from 'node:net';
import { sha256Hex } from './crypto.mjs';
import { insertStatements } from './sql.mjs';
import { int, isDeleted, list, mapOf, mapRow, ms, str, truthy } from './util.mjs';

/** @typedef {import('./util.mjs').Ctx} Ctx @typedef {import('./util.mjs').Group} Group */

const BCRYPT = /^\$2[aby]\$\d\d\$/;
/** Matches no password: verifyPassword knows no such scheme. */
const NO_PASSWORD = 'imported$no-password';

/**
 * @param {string} name
 * @param {Record<string, Record<string, unknown>[]>} tables
 * @returns {Group}
 */
export function group(name, tables) {
  const statements = [];
  const counts = {};
  for (const [table, rows] of Object.entries(tables)) {
    counts[table] = rows.length;
    statements.push(...insertStatements(table, rows));
  }
  return { name, counts, statements };
}

/** one-api: 1 common user, 10 admin, 100 root. */
const roleOf = (role) => (int(role) >= 10 ? 'admin' : 'user');

/** @param {Ctx} ctx @param {Record<string, unknown>} r */
function userRow(ctx, r, id) {
  const hash = str(r.password);
  if (int(r.quota) < 0)
    ctx.notes.push(`user ${str(r.username)} had a negative balance on the source; it starts at 0 here`);
  return {
    id,
    username: str(r.username).trim(),
    password_hash: BCRYPT.test(hash) ? hash : NO_PASSWORD,
    role: roleOf(r.role),
    group: str(r.group) || 'default',
    quota: Math.max(0, ctx.units(r.quota)),
    used_quota: Math.max(0, ctx.units(r.used_quota)),
    status: int(r.status) === 1 ? 'enabled' : 'disabled',
    created_at: ctx.now,
    updated_at: ctx.now,
  };
}

/** @param {Ctx} ctx @returns {Group} */
export function planUsers(ctx) {
  const done = mapOf(ctx, 'user');
  const taken = new Set(ctx.relayUsers.map((u) => u.username));
  const users = [];
  const ledger = [];
  const maps = [];
  let noPassword = 0;
  for (const r of ctx.rows('users')) {
    const sid = String(r.id);
    const name = str(r.username).trim();
    if (done.has(sid)) continue;
    if (isDeleted(r) || !name) {
      ctx.skipped.push({ kind: 'user', id: sid, name, why: name ? 'deleted on the source' : 'no username' });
      continue;
    }
    if (taken.has(name)) {
      ctx.skipped.push({
        kind: 'user',
        id: sid,
        name,
        why: 'the username is taken in the relay (its keys are skipped too)',
      });
      continue;
    }
    const row = userRow(ctx, r, ctx.nextId.users++);
    if (row.password_hash === NO_PASSWORD) noPassword++;
    users.push(row);
    if (row.quota > 0) {
      ledger.push({
        uid: `import:${ctx.source}:user:${sid}`,
        user_id: row.id,
        token_id: null,
        delta: row.quota,
        balance_after: row.quota,
        reason: 'initial',
        note: 'imported',
        created_at: ctx.now,
      });
    }
    maps.push(mapRow(ctx, 'user', sid, row.id));
    done.set(sid, row.id);
    taken.add(name);
  }
  if (noPassword)
    ctx.notes.push(
      `${noPassword} user(s) had no password on the source (OAuth sign-ups?): they cannot log in until an admin sets one`,
    );
  return group('users', { users, ledger, import_map: maps });
}

/** Token status: 1 enabled, 2 disabled, 3 expired, 4 exhausted (kept enabled with nothing left). */
function statusOf(status) {
  switch (int(status)) {
    case 1:
    case 4:
      return { status: 'enabled', disabled_by: null };
    case 3:
      return { status: 'expired', disabled_by: null };
    default:
      return { status: 'disabled', disabled_by: 'user' };
  }
}

const isCidr = (s) => {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || !isIP(ip)) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (isIP(ip) === 4 ? 32 : 128));
};

/** @param {Ctx} ctx @param {Record<string, unknown>} r */
function limitsOf(ctx, r) {
  const models =
    ctx.flavor === 'new-api' ? (truthy(r.model_limits_enabled) ? list(r.model_limits) : []) : list(r.models);
  const ips = list(ctx.flavor === 'new-api' ? r.allow_ips : r.subnet, /[,\n\s]+/);
  const good = ips.filter(isCidr);
  if (good.length < ips.length)
    ctx.notes.push(
      `key #${r.id}: ${ips.length - good.length} allowed-IP entr(ies) were not an IP or CIDR and were dropped`,
    );
  return { models: models.length ? models : null, allow_ips: good.length ? good : null };
}

/** @param {Ctx} ctx @param {Record<string, unknown>} r @param {number} owner @param {string} full */
async function tokenRow(ctx, r, owner, full) {
  const { status, disabled_by } = statusOf(r.status);
  const unlimited = truthy(r.unlimited_quota) && int(r.status) !== 4;
  const expires = int(r.expired_time) === -1 ? null : ms(r.expired_time);
  return {
    id: ctx.nextId.tokens++,
    user_id: owner,
    name: str(r.name),
    key_hash: await sha256Hex(full),
    key_prefix: full.slice(0, 7),
    key_suffix: full.slice(-4),
    status,
    remain_quota: unlimited ? null : Math.max(0, int(r.status) === 4 ? 0 : ctx.units(r.remain_quota)),
    used_quota: Math.max(0, ctx.units(r.used_quota)),
    expires_at: expires,
    ...limitsOf(ctx, r),
    group: str(r.group) || null,
    disabled_by,
    created_at: ms(r.created_time) ?? ctx.now,
    updated_at: ctx.now,
  };
}

/** @param {Ctx} ctx @returns {Promise<Group>} */
export async function planTokens(ctx) {
  const done = mapOf(ctx, 'token');
  const owners = mapOf(ctx, 'user');
  const tokens = [];
  const maps = [];
  for (const r of ctx.rows('tokens')) {
    const sid = String(r.id);
    if (done.has(sid)) continue;
    const owner = owners.get(String(r.user_id));
    const raw = str(r.key).trim();
    const full = raw.startsWith('sk-') ? raw : `sk-${raw}`;
    const why = isDeleted(r)
      ? 'deleted on the source'
      : owner == null
        ? 'its user was not imported'
        : !raw
          ? 'no key'
          : null;
    if (why) {
      ctx.skipped.push({ kind: 'key', id: sid, name: str(r.name), why });
      continue;
    }
    const row = await tokenRow(ctx, r, owner, full);
    if (ctx.keyHashes.has(row.key_hash)) {
      ctx.nextId.tokens--;
      ctx.skipped.push({ kind: 'key', id: sid, name: str(r.name), why: 'the same key is already in the relay' });
      continue;
    }
    ctx.keyHashes.add(row.key_hash);
    tokens.push(row);
    maps.push(mapRow(ctx, 'token', sid, row.id));
    done.set(sid, row.id);
  }
  return group('tokens', { tokens, import_map: maps });
}
