import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../worker/relay/formats';
import { boundFor, counterFor, utf8Length } from '../../worker/relay/prompt/count';

/** A seeded generator, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const ALPHABETS = {
  text: 'the quick brown fox jumps over a lazy dog, and then some more words. '.split(''),
  code: 'function f(x) { return x * 2 + arr[i]; } // ok\n\t=>;:{}[]()<>!&|'.split(''),
  cjk: [...'你好世界这是一个测试中文文本日本語のテキスト한국어텍스트'],
  emoji: [...'😀🎉👍🏽👨‍👩‍👧‍👦🚀✨🔥💯🇨🇳🇺🇸'],
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='.split(''),
};

function randomText(r: () => number, length: number): string {
  const kinds = Object.values(ALPHABETS);
  let out = '';
  let kind = pick(r, kinds);
  while (out.length < length) {
    if (r() < 0.05) kind = pick(r, kinds);
    // Long unbroken runs too: the worst case for BPE merges.
    out += r() < 0.01 ? pick(r, kind).repeat(1 + Math.floor(r() * 500)) : pick(r, kind);
  }
  return out;
}

describe('the cheap prompt bound', () => {
  it('counts UTF-8 bytes exactly', () => {
    for (const s of ['', 'abc', 'é', '你好', '😀', '👨‍👩‍👧', '\ud800x', 'x\udc00'])
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('is never below the exact count: random text, code, CJK, emoji and base64, in every format, for every tokenizer family', () => {
    const r = rng(20261202);
    const models = ['gpt-4o', 'gpt-4', 'claude-sonnet-4', 'gemini-2.5-pro'];
    for (let i = 0; i < 60; i++) {
      const text = randomText(r, 50 + Math.floor(r() * 3000));
      const model = pick(r, models);
      const bodies = {
        chat: {
          messages: [{ role: 'user', content: text }],
          tools: [{ type: 'function', function: { name: 'f', parameters: { q: text.slice(0, 50) } } }],
        },
        completions: { prompt: text },
        embeddings: { input: [text, text.slice(0, 10)] },
        messages: { system: text.slice(0, 100), messages: [{ role: 'user', content: [{ type: 'text', text }] }] },
        responses: { instructions: 'x', input: text },
        gemini: { contents: [{ role: 'user', parts: [{ text }] }] },
      };
      for (const [endpoint, body] of Object.entries(bodies)) {
        const format = FORMATS[endpoint as keyof typeof FORMATS];
        const exact = format.countPrompt(counterFor(model), body);
        const bound = format.countPrompt(boundFor(model), body);
        expect(bound, `case ${i}, ${endpoint}, ${model}`).toBeGreaterThanOrEqual(exact);
      }
    }
  });

  it('keeps media at their own rules: an image is not billed as its base64 bytes', () => {
    const data = 'A'.repeat(400_000);
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${data}` } }] },
      ],
    };
    expect(FORMATS.chat.countPrompt(boundFor('gpt-4o'), body)).toBe(
      FORMATS.chat.countPrompt(counterFor('gpt-4o'), body),
    );
  });
});
