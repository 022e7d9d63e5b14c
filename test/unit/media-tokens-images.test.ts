import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_IMAGE_MAX_TOKENS,
  GEMINI_IMAGE_UNKNOWN_TOKENS,
  OPENAI_IMAGE_MAX_TOKENS,
  anthropicImageTokens,
  geminiImageTokens,
  imageSize,
  openAiImageTokens,
} from '../../worker/relay/media-tokens';
import { ascii, be16, bytes, le16, le24, le32, png, randomBytes, rng } from './media-bytes';

// ---- tiny real image headers ------------------------------------------------------------

const APP0 = bytes([0xff, 0xe0], be16(16), ascii('JFIF'), [0, 1, 1, 0], be16(72), be16(72), [0, 0]);
// A DHT segment whose table bytes would read as a plausible size if it were mistaken for a frame.
const DHT = bytes(
  [0xff, 0xc4],
  be16(2 + 1 + 16 + 2),
  [0x00],
  [0, 2, 0x10, 0x00, 0x20, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [1, 2],
);
// DAC (arithmetic conditioning), also in the C0..CF range and also not a frame.
const DAC = bytes([0xff, 0xcc], be16(6), [0x00, 0x11, 0x20, 0x00]);
function sof(marker: number, width: number, height: number): Uint8Array {
  return bytes([0xff, marker], be16(17), [8], be16(height), be16(width), [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
}
function jpeg(...segments: Uint8Array[]): Uint8Array {
  return bytes(
    [0xff, 0xd8],
    ...segments.map((s) => Array.from(s)),
    [0xff, 0xda],
    be16(8),
    [1, 1, 0, 0, 0x3f, 0],
    [0x12, 0x34],
  );
}

function gif(width: number, height: number): Uint8Array {
  return bytes(ascii('GIF89a'), le16(width), le16(height), [0xf7, 0, 0]);
}

function riff(fourcc: string, payload: number[]): Uint8Array {
  return bytes(
    ascii('RIFF'),
    le32(4 + 8 + payload.length),
    ascii('WEBP'),
    ascii(fourcc),
    le32(payload.length),
    payload,
  );
}
const webpVp8 = (w: number, h: number): Uint8Array =>
  riff('VP8 ', [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(w), ...le16(h), 0, 0]);
function webpVp8l(w: number, h: number): Uint8Array {
  const bits = w - 1 + (h - 1) * 0x4000; // 14 + 14 bits, then alpha and version bits left 0
  return riff('VP8L', [0x2f, ...le32(bits), 0, 0, 0]);
}
const webpVp8x = (w: number, h: number): Uint8Array => riff('VP8X', [0x10, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)]);

function bmp(width: number, height: number): Uint8Array {
  return bytes(
    ascii('BM'),
    le32(0),
    le32(0),
    le32(54),
    le32(40),
    le32(width),
    le32(height),
    le16(1),
    le16(24),
    new Array<number>(24).fill(0),
  );
}
function bmpCore(width: number, height: number): Uint8Array {
  return bytes(ascii('BM'), le32(0), le32(0), le32(26), le32(12), le16(width), le16(height), le16(1), le16(24));
}

// ---- imageSize ----------------------------------------------------------------------------

describe('imageSize', () => {
  it('reads a PNG IHDR', () => {
    expect(imageSize(png(1024, 1024))).toEqual({ width: 1024, height: 1024 });
    expect(imageSize(png(3000, 17))).toEqual({ width: 3000, height: 17 });
  });

  it('reads a JPEG SOF0 after APP0 and DHT, and is not fooled by DHT/DAC markers', () => {
    expect(imageSize(jpeg(APP0, DHT, sof(0xc0, 800, 600)))).toEqual({ width: 800, height: 600 });
    expect(imageSize(jpeg(APP0, DAC, DHT, sof(0xc2, 1920, 1080)))).toEqual({ width: 1920, height: 1080 }); // progressive
    expect(imageSize(jpeg(DHT, sof(0xcf, 640, 480)))).toEqual({ width: 640, height: 480 }); // SOF15
    // Fill bytes before a marker are allowed.
    const filled = bytes([0xff, 0xd8, 0xff, 0xff], Array.from(APP0.subarray(1)), Array.from(sof(0xc1, 33, 44)));
    expect(imageSize(filled)).toEqual({ width: 33, height: 44 });
  });

  it('reads GIF, WebP (VP8, VP8L, VP8X) and BMP', () => {
    expect(imageSize(gif(320, 200))).toEqual({ width: 320, height: 200 });
    expect(imageSize(webpVp8(640, 480))).toEqual({ width: 640, height: 480 });
    expect(imageSize(webpVp8l(300, 200))).toEqual({ width: 300, height: 200 });
    expect(imageSize(webpVp8l(16384, 16384))).toEqual({ width: 16384, height: 16384 });
    expect(imageSize(webpVp8x(4000, 3000))).toEqual({ width: 4000, height: 3000 });
    expect(imageSize(bmp(1280, -720))).toEqual({ width: 1280, height: 720 }); // top-down
    expect(imageSize(bmp(10, 20))).toEqual({ width: 10, height: 20 });
    expect(imageSize(bmpCore(64, 32))).toEqual({ width: 64, height: 32 });
  });

  it('returns null for unknown, truncated or zero-sized headers', () => {
    expect(imageSize(new Uint8Array(0))).toBeNull();
    expect(imageSize(new TextEncoder().encode('hello, world'))).toBeNull();
    expect(imageSize(png(1024, 1024).subarray(0, 20))).toBeNull();
    expect(imageSize(png(0, 10))).toBeNull();
    expect(imageSize(jpeg(APP0, DHT))).toBeNull(); // SOS before any frame header
    const full = jpeg(APP0, DHT, sof(0xc0, 800, 600));
    expect(imageSize(full.subarray(0, 2 + APP0.length + DHT.length + 5))).toBeNull(); // cut inside SOF
    expect(imageSize(gif(1, 1).subarray(0, 8))).toBeNull();
    expect(imageSize(webpVp8(640, 480).subarray(0, 26))).toBeNull();
    expect(imageSize(bmp(10, 10).subarray(0, 20))).toBeNull();
  });

  it('never throws on garbage', () => {
    const next = rng(42);
    const magics = [[0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8], ascii('GIF89a'), ascii('RIFF'), ascii('BM'), []];
    for (let i = 0; i < 3000; i++) {
      const magic = magics[i % magics.length];
      const b = bytes(magic, Array.from(randomBytes(next, Math.floor(next() * 80))));
      if (i % 7 === 0 && b.length >= 12) b.set(ascii('WEBP'), 8);
      const size = imageSize(b);
      if (size !== null) {
        expect(size.width).toBeGreaterThan(0);
        expect(size.height).toBeGreaterThan(0);
      }
    }
    // Wrong runtime types (a JS caller) still give null.
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(imageSize(null)).toBeNull();
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(imageSize('png')).toBeNull();
  });
});

// ---- per-provider image rules ----------------------------------------------------------------

describe('openAiImageTokens', () => {
  it('follows the tile rule for high/auto', () => {
    expect(openAiImageTokens({ width: 1024, height: 1024 }, 'high')).toBe(765); // 768x768: 4 tiles
    expect(openAiImageTokens({ width: 2048, height: 4096 }, 'high')).toBe(1105); // 768x1536: 6 tiles
    expect(openAiImageTokens({ width: 2048, height: 4096 }, 'auto')).toBe(1105);
    expect(openAiImageTokens({ width: 2048, height: 4096 })).toBe(1105); // default is auto
    expect(openAiImageTokens({ width: 512, height: 512 }, 'high')).toBe(255); // 1 tile, never scaled up
    expect(openAiImageTokens({ width: 100, height: 100 }, 'high')).toBe(255);
    expect(openAiImageTokens({ width: 768, height: 2048 }, 'high')).toBe(1445); // the maximum
    expect(openAiImageTokens({ width: 100, height: 10_000 }, 'high')).toBe(85 + 170 * 4); // 20x2048
  });

  it('charges 85 for low detail, whatever the size', () => {
    expect(openAiImageTokens({ width: 4096, height: 4096 }, 'low')).toBe(85);
    expect(openAiImageTokens(null, 'low')).toBe(85);
    expect(openAiImageTokens({ width: 1, height: 1 }, 'LOW')).toBe(85);
  });

  it('takes the worst case, 1445, for an unknown size', () => {
    expect(OPENAI_IMAGE_MAX_TOKENS).toBe(1445);
    expect(openAiImageTokens(null, 'high')).toBe(1445);
    expect(openAiImageTokens(null)).toBe(1445);
    expect(openAiImageTokens({ width: Number.NaN, height: 3 }, 'high')).toBe(1445);
    expect(openAiImageTokens({ width: -5, height: 3 }, 'auto')).toBe(1445);
    // No size ever beats the unknown worst case.
    const next = rng(7);
    for (let i = 0; i < 2000; i++) {
      const t = openAiImageTokens(
        { width: 1 + Math.floor(next() * 9000), height: 1 + Math.floor(next() * 9000) },
        'high',
      );
      expect(t).toBeLessThanOrEqual(1445);
    }
  });
});

describe('anthropicImageTokens', () => {
  it('charges width*height/750, rounded up', () => {
    expect(anthropicImageTokens({ width: 1000, height: 1000 })).toBe(1334);
    expect(anthropicImageTokens({ width: 200, height: 200 })).toBe(54);
    expect(anthropicImageTokens({ width: 1092, height: 1092 })).toBe(1590); // the docs' 1:1 maximum, unscaled
  });

  it('scales huge images down to about 1.15-1.23 MP', () => {
    const t = anthropicImageTokens({ width: 8000, height: 8000 });
    expect(t * 750).toBeGreaterThan(1_150_000);
    expect(t * 750).toBeLessThanOrEqual(784 * 1568 + 750);
    // A long edge over 1568 is scaled to 1568: 3136x200 -> 1568x100.
    expect(anthropicImageTokens({ width: 3136, height: 200 })).toBe(Math.ceil((1568 * 100) / 750));
  });

  it('takes about 1,600 for an unknown size, and no size exceeds it', () => {
    expect(anthropicImageTokens(null)).toBe(ANTHROPIC_IMAGE_MAX_TOKENS);
    expect(ANTHROPIC_IMAGE_MAX_TOKENS).toBeGreaterThanOrEqual(1590);
    expect(ANTHROPIC_IMAGE_MAX_TOKENS).toBeLessThanOrEqual(1650);
    expect(anthropicImageTokens({ width: 0, height: 0 })).toBe(ANTHROPIC_IMAGE_MAX_TOKENS);
    const next = rng(9);
    for (let i = 0; i < 2000; i++) {
      const t = anthropicImageTokens({ width: 1 + Math.floor(next() * 9000), height: 1 + Math.floor(next() * 9000) });
      expect(t).toBeLessThanOrEqual(ANTHROPIC_IMAGE_MAX_TOKENS);
    }
  });
});

describe('geminiImageTokens', () => {
  it('charges 258 for small images and 258 per 768 px tile otherwise', () => {
    expect(geminiImageTokens({ width: 384, height: 384 })).toBe(258);
    expect(geminiImageTokens({ width: 100, height: 50 })).toBe(258);
    expect(geminiImageTokens({ width: 600, height: 400 })).toBe(258); // 1x1 tile
    expect(geminiImageTokens({ width: 1024, height: 1024 })).toBe(258 * 4);
    expect(geminiImageTokens({ width: 1920, height: 1080 })).toBe(258 * 6);
  });

  it('uses a documented conservative value for an unknown size', () => {
    expect(geminiImageTokens(null)).toBe(GEMINI_IMAGE_UNKNOWN_TOKENS);
    expect(GEMINI_IMAGE_UNKNOWN_TOKENS).toBeGreaterThanOrEqual(2240); // Gemini 3 ultra-high budget
    expect(Number.isFinite(geminiImageTokens({ width: 1e300, height: 1e300 }))).toBe(true);
  });
});
