// Small helpers shared by the planners: reading loosely typed source values, and the context
// every planner gets.

/**
 * @typedef {{ kind: string, id: string, name?: string, why: string }} Skip
 * @typedef {{ name: string, counts: Record<string, number>, statements: string[] }} Group
 * @typedef {{
 *   source: string, flavor: 'one-api' | 'new-api', now: number,
 *   rows(table: string): Record<string, unknown>[], has(table: string, column?: string): boolean,
 *   units(n: unknown): number, ratio(r: number): number,
 *   mapped: Map<string, Map<string, number | null>>, nextId: Record<string, number>,
 *   relayUsers: { id: number, username: string }[], adminUsername: string,
 *   keyHashes: Set<string>, codeHashes: Set<string>,
 *   prices: Map<string, Record<string, unknown>>, groups: Map<string, Record<string, unknown>>,
 *   servedTypes: Set<string>, merge: boolean, withLogs: boolean, encryptionKey: string | null,
 *   skipped: Skip[], notes: string[],
 * }} Ctx
 */

/** @param {unknown} v @returns {number} */
export function int(v) {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** @param {unknown} v */
export const truthy = (v) => v === true || v === 1 || v === '1' || v === 't' || v === 'true';

/** @param {unknown} v @returns {string} */
export const str = (v) => (v === null || v === undefined ? '' : String(v));

/**
 * A comma- or newline-separated list, trimmed, without empties or repeats.
 * @param {unknown} v
 * @param {RegExp} [sep]
 * @returns {string[]}
 */
export function list(v, sep = /[,\n]/) {
  return [
    ...new Set(
      str(v)
        .split(sep)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** Rows the source deleted softly (gorm's deleted_at) are not carried over. */
export const isDeleted = (row) => row.deleted_at !== null && row.deleted_at !== undefined && row.deleted_at !== '';

/** @param {Ctx} ctx @param {string} kind @returns {Map<string, number | null>} */
export function mapOf(ctx, kind) {
  let m = ctx.mapped.get(kind);
  if (!m) {
    m = new Map();
    ctx.mapped.set(kind, m);
  }
  return m;
}

/** The import_map row for a source row and what it became. */
export const mapRow = (ctx, kind, sourceId, targetId) => ({
  source: ctx.source,
  kind,
  source_id: String(sourceId),
  target_id: targetId,
  imported_at: ctx.now,
});

/** Seconds (one-api's times) to milliseconds; 0 or less means "not set". */
export const ms = (seconds) => (int(seconds) > 0 ? int(seconds) * 1000 : null);
