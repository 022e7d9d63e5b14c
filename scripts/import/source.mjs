// Opens the old site's database: a SQLite file (read with sql.js, WebAssembly) or a mysqldump
// text. Both become the same shape: table -> columns, table -> rows as plain objects.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { readDump } from './mysqldump.mjs';

const require = createRequire(import.meta.url);

/**
 * @typedef {{ format: 'sqlite' | 'mysqldump', columns: Map<string, string[]>, rows(table: string): Record<string, unknown>[] }} Source
 */

/**
 * @param {string} file
 * @returns {Promise<Source>}
 */
export async function openSource(file) {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return openSqlite(bytes);
  const text = bytes.toString('utf8');
  if (!/CREATE TABLE|INSERT INTO/i.test(text)) throw new Error(`${file}: neither a SQLite database nor a mysqldump`);
  const dump = readDump(text);
  return { format: 'mysqldump', columns: dump.columns, rows: (t) => dump.rows.get(t) ?? [] };
}

/** @param {Buffer} bytes @returns {Promise<Source>} */
async function openSqlite(bytes) {
  const dist = path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));
  const SQL = await initSqlJs({ locateFile: (f) => path.join(dist, f) });
  const db = new SQL.Database(new Uint8Array(bytes));
  const columns = new Map();
  const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? [];
  for (const [name] of tables) {
    const info = db.exec(`PRAGMA table_info("${String(name).replaceAll('"', '""')}")`)[0]?.values ?? [];
    columns.set(
      String(name),
      info.map((c) => String(c[1])),
    );
  }
  const rows = (table) => {
    if (!columns.has(table)) return [];
    const [result] = db.exec(`SELECT * FROM "${table.replaceAll('"', '""')}"`);
    if (!result) return [];
    return result.values.map((v) => Object.fromEntries(result.columns.map((c, i) => [c, decode(v[i])])));
  };
  return { format: 'sqlite', columns, rows };
}

/** Blobs (MySQL-ish text stored as bytes) become text. */
function decode(v) {
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v;
}

/**
 * one-api or new-api, told apart by columns only new-api has.
 * @param {Source} src
 * @returns {'one-api' | 'new-api'}
 */
export function detectFlavor(src) {
  for (const t of ['users', 'tokens', 'channels']) {
    if (!src.columns.has(t)) throw new Error(`this database has no ${t} table: not a one-api or new-api database`);
  }
  const has = (t, c) => src.columns.get(t)?.includes(c) ?? false;
  const newApi =
    has('tokens', 'model_limits') ||
    has('tokens', 'allow_ips') ||
    has('channels', 'channel_info') ||
    has('channels', 'tag');
  return newApi ? 'new-api' : 'one-api';
}
