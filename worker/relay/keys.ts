/**
 * Which of a channel's upstream keys a try uses. A key the provider refused as invalid, revoked or
 * out of credit is set aside on its own (the channel's health object holds the list; the snapshot
 * carries it); the others keep serving.
 */

/** One set-aside key: its index in the channel's key list, since when, and the answer that set it aside. */
export interface KeyAside {
  index: number;
  since: number;
  error: string;
}

/** What one attempt learned about the channel's keys: keys it set aside, and a set-aside key that answered. */
export interface KeyNews {
  setAside: KeyAside[];
  recovered: number | null;
}

export interface KeyPick {
  index: number;
  key: string;
}

/**
 * The index to try: the preferred key if it is usable, else the usable keys in turn (`turn` counts
 * the channel's calls), skipping keys already tried in this attempt. With every key set aside and
 * none tried yet, all keys go round as if none were set aside, so the channel still fails (and
 * counts) as a single-key channel always did. Null when nothing is left to try.
 */
export function chooseKey(
  count: number,
  aside: ReadonlySet<number>,
  turn: number,
  preferred?: number,
  tried: ReadonlySet<number> = new Set(),
): number | null {
  const usable: number[] = [];
  for (let i = 0; i < count; i++) if (!aside.has(i) && !tried.has(i)) usable.push(i);
  if (preferred !== undefined && usable.includes(preferred)) return preferred;
  if (usable.length > 0) return usable[turn % usable.length];
  if (tried.size === 0 && count > 0) return turn % count;
  return null;
}

const turns = new Map<number, number>();

/**
 * The key for the channel's next try. `preferredIndex` (a session pinned to one key) wins while that
 * key is usable. `tried` holds the keys this attempt has already used.
 */
export function pickKey(
  channel: { id: number },
  keys: readonly string[],
  aside: readonly KeyAside[],
  preferredIndex?: number,
  tried?: ReadonlySet<number>,
): KeyPick | null {
  if (turns.size > 10_000) turns.clear();
  const turn = turns.get(channel.id) ?? 0;
  const index = chooseKey(keys.length, new Set(aside.map((k) => k.index)), turn, preferredIndex, tried);
  if (index === null) return null;
  if (index !== preferredIndex) turns.set(channel.id, turn + 1);
  return { index, key: keys[index] };
}

/** The list with `news` applied: set-aside keys added (an existing entry keeps its `since`), a recovered one removed. */
export function applyKeyNews(list: readonly KeyAside[], news: KeyNews, keyCount: number): KeyAside[] {
  const out = new Map(list.filter((k) => k.index < keyCount).map((k) => [k.index, k]));
  for (const k of news.setAside) {
    if (k.index >= keyCount) continue;
    const had = out.get(k.index);
    out.set(k.index, { index: k.index, since: had?.since ?? k.since, error: k.error.slice(0, 500) });
  }
  if (news.recovered !== null) out.delete(news.recovered);
  return [...out.values()].sort((a, b) => a.index - b.index);
}

export const sameKeysAside = (a: readonly KeyAside[], b: readonly KeyAside[]) =>
  a.length === b.length &&
  a.every((k, i) => k.index === b[i].index && k.error === b[i].error && k.since === b[i].since);
