// SQL text for `wrangler d1 execute --file`: literals, multi-row inserts, and batches sized for
// D1's limits (a statement stays under 100 KB; rows are inserted a few dozen at a time).

/** D1 refuses statements over 100 KB; stay well under. */
const MAX_STATEMENT_BYTES = 90_000;
const MAX_ROWS_PER_INSERT = 50;

/**
 * A value as an SQLite literal.
 * @param {unknown} v
 * @returns {string}
 */
export function literal(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `'${text.replaceAll("'", "''")}'`;
}

const ident = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * INSERT statements for rows of one table (all rows share the first row's columns).
 * @param {string} table
 * @param {Record<string, unknown>[]} rows
 * @param {string} [tail] e.g. an ON CONFLICT clause
 * @returns {string[]}
 */
export function insertStatements(table, rows, tail = '') {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  const head = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES\n`;
  const out = [];
  let tuples = [];
  let size = head.length;
  const flush = () => {
    if (tuples.length) out.push(`${head}${tuples.join(',\n')}${tail ? `\n${tail}` : ''};`);
    tuples = [];
    size = head.length;
  };
  for (const row of rows) {
    const tuple = `(${columns.map((c) => literal(row[c])).join(', ')})`;
    if (tuples.length >= MAX_ROWS_PER_INSERT || size + tuple.length + tail.length > MAX_STATEMENT_BYTES) flush();
    tuples.push(tuple);
    size += tuple.length + 2;
  }
  flush();
  return out;
}
