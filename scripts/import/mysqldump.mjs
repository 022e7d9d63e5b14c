// A reader for `mysqldump` output: CREATE TABLE gives each table's columns, INSERT INTO ... VALUES
// gives the rows. Strings follow MySQL's backslash escapes. Nothing is executed.

/** @typedef {{ columns: Map<string, string[]>, rows: Map<string, Record<string, unknown>[]> }} Dump */

const ESCAPES = { 0: '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };

/**
 * Splits the dump into statements, skipping comments; quotes and escapes are respected.
 * @param {string} text
 * @returns {string[]}
 */
function statements(text) {
  const out = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') i = skipQuoted(text, i);
    else if ((c === '-' && text.startsWith('-- ', i)) || c === '#') i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') i = blockEnd(text, i);
    else if (c === ';') {
      out.push(text.slice(start, i).trim());
      start = ++i;
    } else i++;
  }
  if (text.slice(start).trim()) out.push(text.slice(start).trim());
  return out.map(stripComments).filter(Boolean);
}

function lineEnd(text, i) {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end + 1;
}

function blockEnd(text, i) {
  const end = text.indexOf('*/', i + 2);
  return end < 0 ? text.length : end + 2;
}

function skipQuoted(text, i) {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\' && q !== '`') j++;
    else if (text[j] === q) {
      if (text[j + 1] === q) j++;
      else return j + 1;
    }
  }
  return text.length;
}

/** Drops leading comment lines and `/* ... *\/` blocks that precede a statement. */
function stripComments(s) {
  let t = s;
  for (;;) {
    const before = t;
    t = t.replace(/^\s*(--[^\n]*|#[^\n]*)(\n|$)/, '').replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '');
    if (t === before) return t.trim();
  }
}

/** @param {string} stmt @returns {[string, string[]] | null} */
function createTable(stmt) {
  const m = /^CREATE TABLE (?:IF NOT EXISTS )?`?(\w+)`?\s*\(([\s\S]*)\)[^)]*$/i.exec(stmt);
  if (!m) return null;
  const columns = [];
  for (const line of m[2].split('\n')) {
    const col = /^\s*`([^`]+)`\s+\w/.exec(line);
    if (col) columns.push(col[1]);
  }
  return [m[1], columns];
}

/**
 * The tuples of a VALUES list, each as an array of values.
 * @param {string} s
 * @returns {unknown[][]}
 */
export function parseTuples(s) {
  const rows = [];
  let i = 0;
  const ws = () => {
    while (i < s.length && /[\s,]/.test(s[i])) i++;
  };
  for (ws(); i < s.length && s[i] === '('; ws()) {
    i++;
    const row = [];
    for (;;) {
      while (/\s/.test(s[i])) i++;
      const [value, next] = readValue(s, i);
      row.push(value);
      i = next;
      while (/\s/.test(s[i])) i++;
      if (s[i] === ',') i++;
      else if (s[i] === ')') {
        i++;
        break;
      } else throw new Error(`mysqldump: unexpected ${JSON.stringify(s.slice(i, i + 20))}`);
    }
    rows.push(row);
  }
  return rows;
}

/** @returns {[unknown, number]} */
function readValue(s, i) {
  if (s.startsWith('_binary ', i)) i += 8;
  if (s[i] === "'") return readString(s, i);
  const m = /^(NULL|0x[0-9a-fA-F]*|-?[0-9.eE+-]+)/i.exec(s.slice(i, i + 64));
  if (!m) throw new Error(`mysqldump: cannot read a value at ${JSON.stringify(s.slice(i, i + 20))}`);
  const token = m[1];
  if (/^NULL$/i.test(token)) return [null, i + token.length];
  if (/^0x/i.test(token)) return [Buffer.from(token.slice(2), 'hex').toString('utf8'), i + token.length];
  return [Number(token), i + token.length];
}

/** @returns {[string, number]} */
function readString(s, i) {
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') {
      const e = s[++j];
      out += ESCAPES[e] ?? e;
    } else if (c === "'") {
      if (s[j + 1] === "'") {
        out += "'";
        j++;
      } else return [out, j + 1];
    } else out += c;
  }
  throw new Error('mysqldump: unterminated string');
}

/**
 * @param {string} text
 * @returns {Dump}
 */
export function readDump(text) {
  /** @type {Dump} */
  const dump = { columns: new Map(), rows: new Map() };
  for (const stmt of statements(text)) {
    const table = createTable(stmt);
    if (table) {
      dump.columns.set(table[0], table[1]);
      dump.rows.set(table[0], []);
      continue;
    }
    const ins = /^(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?\s*(?:\(([^)]*)\))?\s*VALUES\s*/i.exec(stmt);
    if (!ins) continue;
    const names = ins[2] ? ins[2].split(',').map((n) => n.trim().replace(/`/g, '')) : dump.columns.get(ins[1]);
    if (!names) throw new Error(`mysqldump: rows for ${ins[1]} come before its CREATE TABLE`);
    const list = dump.rows.get(ins[1]) ?? [];
    for (const tuple of parseTuples(stmt.slice(ins[0].length)))
      list.push(Object.fromEntries(names.map((n, k) => [n, tuple[k]])));
    dump.rows.set(ins[1], list);
  }
  return dump;
}
