import { describe, expect, it } from 'vitest';
import { applyKeyNews, chooseKey, pickKey } from '../../worker/relay/keys';

const none = new Set<number>();

describe('key choice', () => {
  it('goes round the usable keys, skipping set-aside ones', () => {
    expect([0, 1, 2, 3].map((turn) => chooseKey(3, new Set([1]), turn))).toEqual([0, 2, 0, 2]);
  });

  it('keeps a preferred key while it is usable, and leaves it when it is set aside', () => {
    expect(chooseKey(3, none, 0, 2)).toBe(2);
    expect(chooseKey(3, new Set([2]), 1, 2)).toBe(1);
  });

  it('skips keys this attempt has tried, and answers null when none is left', () => {
    expect(chooseKey(3, new Set([1]), 0, undefined, new Set([0]))).toBe(2);
    expect(chooseKey(3, new Set([1]), 0, undefined, new Set([0, 2]))).toBeNull();
  });

  it('with every key set aside, all keys go round as if none were (the channel fails and counts as before)', () => {
    expect([0, 1, 2].map((turn) => chooseKey(3, new Set([0, 1, 2]), turn))).toEqual([0, 1, 2]);
    expect(chooseKey(3, new Set([0, 1, 2]), 0, undefined, new Set([0]))).toBeNull();
  });

  it('pickKey rotates per channel and answers the key with its index; a preferred pick does not move the rotation', () => {
    const ch = { id: 987_654 };
    const keys = ['a', 'b', 'c'];
    const aside = [{ index: 1, since: 1, error: 'HTTP 401' }];
    expect(pickKey(ch, keys, aside)).toEqual({ index: 0, key: 'a' });
    expect(pickKey(ch, keys, aside, 0)).toEqual({ index: 0, key: 'a' });
    expect(pickKey(ch, keys, aside)).toEqual({ index: 2, key: 'c' });
  });

  it('applyKeyNews keeps the first since, refreshes the error, drops a recovered key and indexes past the list', () => {
    const list = [
      { index: 1, since: 10, error: 'old' },
      { index: 5, since: 10, error: 'gone' },
    ];
    expect(
      applyKeyNews(
        list,
        {
          setAside: [
            { index: 1, since: 20, error: 'new' },
            { index: 2, since: 20, error: 'x' },
          ],
          recovered: null,
        },
        3,
      ),
    ).toEqual([
      { index: 1, since: 10, error: 'new' },
      { index: 2, since: 20, error: 'x' },
    ]);
    expect(applyKeyNews(list, { setAside: [], recovered: 1 }, 3)).toEqual([]);
  });
});
