// What the relay's D1 already holds, read in one wrangler call: its users, what earlier imports
// mapped, the next free ids, key and code hashes, and current prices.
import { query } from './d1.mjs';
import { literal } from './sql.mjs';

/** Tables whose ids the import assigns (above both MAX(id) and AUTOINCREMENT's high-water mark). */
const ID_TABLES = ['users', 'tokens', 'channels', 'redemption_codes'];

/**
 * @param {import('./d1.mjs').Target} target
 * @param {string} source
 */
export function readRelay(target, source) {
  const maxes = ID_TABLES.map((t) => `(SELECT COALESCE(MAX(id), 0) FROM ${t}) AS ${t}`).join(', ');
  const [users, maps, max, seq, keys, codes, prices, groups] = query(target, [
    'SELECT id, username, role FROM users ORDER BY id',
    `SELECT kind, source_id, target_id FROM import_map WHERE source = ${literal(source)}`,
    `SELECT ${maxes}`,
    'SELECT name, seq FROM sqlite_sequence',
    'SELECT key_hash FROM tokens',
    'SELECT code_hash FROM redemption_codes',
    'SELECT model, model_ratio, completion_ratio, cache_ratio, price_per_call FROM model_prices',
    'SELECT name, ratio FROM groups',
  ]);
  /** @type {Map<string, Map<string, number | null>>} */
  const mapped = new Map();
  for (const m of maps) {
    const kind = String(m.kind);
    if (!mapped.has(kind)) mapped.set(kind, new Map());
    mapped.get(kind)?.set(String(m.source_id), m.target_id === null ? null : Number(m.target_id));
  }
  const seqOf = new Map(seq.map((s) => [String(s.name), Number(s.seq)]));
  const nextId = Object.fromEntries(
    ID_TABLES.map((t) => [t, Math.max(Number(max[0]?.[t] ?? 0), seqOf.get(t) ?? 0) + 1]),
  );
  return {
    relayUsers: users.map((u) => ({ id: Number(u.id), username: String(u.username) })),
    mapped,
    nextId,
    keyHashes: new Set(keys.map((k) => String(k.key_hash))),
    codeHashes: new Set(codes.map((c) => String(c.code_hash))),
    prices: new Map(prices.map((p) => [String(p.model), p])),
    groups: new Map(groups.map((g) => [String(g.name), g])),
  };
}
