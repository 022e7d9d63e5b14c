// Base64 prefixes and lengths at their edges (written against surviving mutants).
import { describe, expect, it } from 'vitest';
import { base64Length, base64Prefix } from '../../worker/relay/media-tokens';

const text = (b: Uint8Array) => String.fromCharCode(...b);

describe('base64Prefix', () => {
  it('finds a data-URL header after any leading whitespace, and only then', () => {
    for (const space of [' ', '\n', '\r', '\t', '\f'])
      expect(text(base64Prefix(`${space}${space}data:x;base64,QUJD`, 100)), JSON.stringify(space)).toBe('ABC');
    // a vertical tab is not whitespace here: the header's letters are read as base64
    expect(base64Prefix('\u000bdata:;base64,QUJD', 100)).toHaveLength(10);
    expect(base64Prefix('data:image/png;base64', 100)).toHaveLength(0);
  });
  it('decodes at most the bytes asked for, whole bytes only', () => {
    expect(text(base64Prefix('QUJDREVG', Infinity))).toBe('ABCDEF');
    expect(text(base64Prefix('QUJDREVG', 2.7))).toBe('AB');
    expect(text(base64Prefix('QUJDREVG', 6))).toBe('ABCDEF');
    for (const none of [0, -1, Number.NaN]) expect(base64Prefix('QUJDREVG', none)).toHaveLength(0);
    expect(base64Prefix(42 as unknown as string, 10)).toHaveLength(0);
    expect(base64Prefix('', 10)).toHaveLength(0);
  });
  it('stops at =, skips characters outside the alphabets, reads the URL-safe one', () => {
    expect(text(base64Prefix('QUJD=QUJD', 100))).toBe('ABC');
    expect(text(base64Prefix('QU\u00e9J\u0080D', 100))).toBe('ABC');
    expect(Array.from(base64Prefix('-_-_', 100))).toEqual([251, 255, 191]);
    expect(Array.from(base64Prefix('+/+/', 100))).toEqual([251, 255, 191]);
    expect(Array.from(base64Prefix('AAAB', 100))).toEqual([0, 0, 1]);
  });
});

describe('base64Length', () => {
  it('counts clean payloads by length, others by their alphabet characters up to =', () => {
    expect(base64Length('QUJDREVG')).toBe(6);
    expect(base64Length('QU JD')).toBe(3);
    expect(base64Length('QUJD==')).toBe(3);
    expect(base64Length('QU=JD')).toBe(1);
    expect(base64Length('QU JD=QUJD')).toBe(3);
    expect(base64Length('QU\u00e9JD\u0080')).toBe(3);
    expect(base64Length('  data:x;base64,QU JD')).toBe(3);
    expect(base64Length('data:x;base64,QUJD')).toBe(3);
    expect(base64Length(7 as unknown as string)).toBe(0);
  });
});
