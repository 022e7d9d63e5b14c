import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_IMAGE_MAX_TOKENS,
  GEMINI_IMAGE_UNKNOWN_TOKENS,
  OPENAI_IMAGE_MAX_TOKENS,
  PDF_TOKENS_PER_PAGE,
  anthropicImageTokens,
  audioSeconds,
  audioTokens,
  base64Length,
  base64Prefix,
  documentTokens,
  geminiImageTokens,
  imageSize,
  openAiImageTokens,
  pdfPageCount,
} from '../../worker/relay/media-tokens';

// ---- tiny real headers ------------------------------------------------------------------

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const be16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const le16 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff];
const le24 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const bytes = (...parts: number[][]): Uint8Array => new Uint8Array(parts.flat());

function png(width: number, height: number): Uint8Array {
  return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), ascii('IHDR'), be32(width), be32(height), [8, 6, 0, 0, 0], [0, 0, 0, 0]);
}

const APP0 = bytes([0xff, 0xe0], be16(16), ascii('JFIF'), [0, 1, 1, 0], be16(72), be16(72), [0, 0]);
// A DHT segment whose table bytes would read as a plausible size if it were mistaken for a frame.
const DHT = bytes([0xff, 0xc4], be16(2 + 1 + 16 + 2), [0x00], [0, 2, 0x10, 0x00, 0x20, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 2]);
// DAC (arithmetic conditioning), also in the C0..CF range and also not a frame.
const DAC = bytes([0xff, 0xcc], be16(6), [0x00, 0x11, 0x20, 0x00]);
function sof(marker: number, width: number, height: number): Uint8Array {
  return bytes([0xff, marker], be16(17), [8], be16(height), be16(width), [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
}
function jpeg(...segments: Uint8Array[]): Uint8Array {
  return bytes([0xff, 0xd8], ...segments.map((s) => Array.from(s)), [0xff, 0xda], be16(8), [1, 1, 0, 0, 0x3f, 0], [0x12, 0x34]);
}

function gif(width: number, height: number): Uint8Array {
  return bytes(ascii('GIF89a'), le16(width), le16(height), [0xf7, 0, 0]);
}

function riff(fourcc: string, payload: number[]): Uint8Array {
  return bytes(ascii('RIFF'), le32(4 + 8 + payload.length), ascii('WEBP'), ascii(fourcc), le32(payload.length), payload);
}
const webpVp8 = (w: number, h: number): Uint8Array => riff('VP8 ', [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(w), ...le16(h), 0, 0]);
function webpVp8l(w: number, h: number): Uint8Array {
  const bits = (w - 1) + (h - 1) * 0x4000; // 14 + 14 bits, then alpha and version bits left 0
  return riff('VP8L', [0x2f, ...le32(bits), 0, 0, 0]);
}
const webpVp8x = (w: number, h: number): Uint8Array => riff('VP8X', [0x10, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)]);

function bmp(width: number, height: number): Uint8Array {
  return bytes(ascii('BM'), le32(0), le32(0), le32(54), le32(40), le32(width), le32(height), le16(1), le16(24), new Array<number>(24).fill(0));
}
function bmpCore(width: number, height: number): Uint8Array {
  return bytes(ascii('BM'), le32(0), le32(0), le32(26), le32(12), le16(width), le16(height), le16(1), le16(24));
}

/** A deterministic pseudo-random generator, so the garbage tests are reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}
function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}
function toBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
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
      const t = openAiImageTokens({ width: 1 + Math.floor(next() * 9000), height: 1 + Math.floor(next() * 9000) }, 'high');
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

// ---- PDFs -------------------------------------------------------------------------------

const PDF3 = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R /Outlines 9 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R >> endobj
4 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>> endobj
5 0 obj <<
  /Type
  /Page /Parent 2 0 R
>> endobj
6 0 obj << /Length 44 >> stream
BT /F1 24 Tf 100 700 Td (Hello) Tj ET
endstream endobj
9 0 obj << /Type /Outlines /Count 40 >> endobj
xref
trailer << /Root 1 0 R /Size 10 >>
%%EOF`;

describe('pdfPageCount', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('counts /Type /Page objects, not /Pages, and ignores other /Count values', () => {
    expect(pdfPageCount(enc(PDF3))).toBe(3);
  });

  it('falls back to the page tree /Count when page objects are compressed', () => {
    const pdf = `%PDF-1.5
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [4 0 R 5 0 R] /Count 12 >> endobj
4 0 obj << /Type /Pages /Parent 2 0 R /Count 7 >> endobj
7 0 obj << /Type /ObjStm /N 30 /First 200 /Length 1000 /Filter /FlateDecode >> stream
xx endstream endobj`;
    expect(pdfPageCount(enc(pdf))).toBe(12);
    // An indirect /Count is a reference, not a number.
    expect(pdfPageCount(enc('1 0 obj << /Type /Pages /Count 5 0 R >> endobj'))).toBeNull();
  });

  it('reads /N of a linearization dictionary', () => {
    const pdf = '%PDF-1.6\n43 0 obj <</Linearized 1/L 200000/O 45/E 1000/N 17/T 199000/H [500 200]>>\nendobj\n50 0 obj <</Type/ObjStm/N 80>> stream\n..endstream\nendobj';
    expect(pdfPageCount(enc(pdf))).toBe(17);
  });

  it('takes the largest of what it finds', () => {
    const pdf = '1 0 obj <</Type/Pages/Count 2>> endobj 2 0 obj <</Type/Page>> endobj 3 0 obj <</Type/Page>> endobj 4 0 obj <</Type/Page>> endobj';
    expect(pdfPageCount(enc(pdf))).toBe(3);
  });

  it('gives null, never throws, on garbage', () => {
    expect(pdfPageCount(new Uint8Array(0))).toBeNull();
    expect(pdfPageCount(enc('not a pdf at all /Typo /Pagez'))).toBeNull();
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(pdfPageCount(null)).toBeNull();
    const next = rng(3);
    for (let i = 0; i < 300; i++) {
      const b = randomBytes(next, Math.floor(next() * 4000));
      const n = pdfPageCount(b);
      expect(n === null || (Number.isInteger(n) && n > 0)).toBe(true);
    }
    // Truncated inside a name or a number.
    expect(pdfPageCount(enc('/Type /Pa'))).toBeNull();
    expect(pdfPageCount(enc('/Type /Page'))).toBe(1);
    expect(pdfPageCount(enc('<</Type /Pages /Count'))).toBeNull();
  });
});

describe('documentTokens', () => {
  it('charges 3,000 text tokens plus a worst-case page image per page', () => {
    expect(PDF_TOKENS_PER_PAGE).toBe(3000 + anthropicImageTokens(null));
    expect(documentTokens({ pages: 3, bytes: 10 })).toBe(3 * PDF_TOKENS_PER_PAGE);
  });

  it('estimates pages from the size when unknown, at least one', () => {
    expect(documentTokens({ pages: null, bytes: 120_000 })).toBe(3 * PDF_TOKENS_PER_PAGE); // 50 KB a page
    expect(documentTokens({ pages: null, bytes: 0 })).toBe(PDF_TOKENS_PER_PAGE);
    expect(documentTokens({ pages: 0, bytes: 1 })).toBe(PDF_TOKENS_PER_PAGE);
    expect(documentTokens({ pages: Number.NaN, bytes: Number.NaN })).toBe(PDF_TOKENS_PER_PAGE);
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(documentTokens(null)).toBe(PDF_TOKENS_PER_PAGE);
  });
});

// ---- base64 -----------------------------------------------------------------------------

describe('base64 helpers', () => {
  const raw = png(1024, 768);
  const b64 = toBase64(raw);

  it('decodes a prefix with or without a data-URL header', () => {
    expect(Array.from(base64Prefix(b64, 1000))).toEqual(Array.from(raw));
    expect(Array.from(base64Prefix(`data:image/png;base64,${b64}`, 1000))).toEqual(Array.from(raw));
    expect(Array.from(base64Prefix(b64, 8))).toEqual(Array.from(raw.subarray(0, 8)));
    expect(imageSize(base64Prefix(`data:image/png;base64,${b64}`, 64 * 1024))).toEqual({ width: 1024, height: 768 });
  });

  it('tolerates whitespace, line breaks and the URL-safe alphabet', () => {
    const wrapped = `  ${b64.replace(/(.{10})/g, '$1\r\n')}\n`;
    expect(Array.from(base64Prefix(wrapped, 1000))).toEqual(Array.from(raw));
    const urlSafe = toBase64(new Uint8Array([0xfb, 0xff, 0xfe])).replace(/\+/g, '-').replace(/\//g, '_');
    expect(Array.from(base64Prefix(urlSafe, 10))).toEqual([0xfb, 0xff, 0xfe]);
  });

  it('gives the decoded length without decoding', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 33, 34, 35]) {
      const s = toBase64(new Uint8Array(n));
      expect(base64Length(s)).toBe(n);
      expect(base64Length(`data:application/pdf;base64,${s}`)).toBe(n);
      expect(base64Length(s.replace(/=+$/, ''))).toBe(n); // unpadded
      expect(base64Length(s.replace(/(.{4})/g, '$1\n'))).toBe(n);
    }
    expect(base64Length(b64)).toBe(raw.length);
  });

  it('is total on garbage', () => {
    expect(base64Prefix('', 10).length).toBe(0);
    expect(base64Prefix('data:', 10).length).toBe(0);
    expect(base64Prefix('data:image/png;base64', 10).length).toBe(0); // no comma: no payload
    expect(base64Prefix(b64, -1).length).toBe(0);
    expect(base64Prefix(b64, Number.NaN).length).toBe(0);
    expect(base64Prefix(b64, Infinity).length).toBe(raw.length);
    expect(base64Prefix('!!!@@@###', 10).length).toBe(0);
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(base64Prefix(null, 10).length).toBe(0);
    expect(base64Length('')).toBe(0);
    expect(base64Length('%%%%')).toBe(0);
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(base64Length(undefined)).toBe(0);
  });
});

// ---- audio ------------------------------------------------------------------------------

function wavHeader(byteRate: number): Uint8Array {
  return bytes(
    ascii('RIFF'), le32(0), ascii('WAVE'),
    ascii('LIST'), le32(4), ascii('INFO'), // a chunk before fmt, to be skipped
    ascii('fmt '), le32(16), le16(1), le16(1), le32(byteRate / 2), le32(byteRate), le16(2), le16(16),
    ascii('data'), le32(0),
  );
}

describe('audioTokens', () => {
  it('reads the byte rate of a WAV header', () => {
    const head = wavHeader(32_000); // 16 kHz, 16-bit mono
    expect(audioSeconds({ format: 'wav', bytes: 320_000, head })).toBe(10);
    expect(audioTokens({ format: 'wav', bytes: 320_000, head })).toBe(320); // 32 tokens/s
    expect(audioTokens({ format: 'wav', bytes: 320_000, head, tokensPerSecond: 10 })).toBe(100);
    expect(audioTokens({ bytes: 320_000, head })).toBe(320); // recognised without a format
  });

  it('assumes low bitrates without a header', () => {
    expect(audioSeconds({ format: 'mp3', bytes: 160_000 })).toBe(10); // 128 kbit/s
    expect(audioSeconds({ format: 'audio/mpeg', bytes: 160_000 })).toBe(10);
    expect(audioSeconds({ bytes: 160_000 })).toBe(10);
    expect(audioSeconds({ format: 'wav', bytes: 80_000 })).toBe(10); // 8 kHz 8-bit
    expect(audioSeconds({ format: 'audio/ogg; codecs=opus', bytes: 40_000 })).toBe(10); // 32 kbit/s
  });

  it('reads an MP3 frame bitrate, capped at 128 kbit/s', () => {
    const id3 = bytes(ascii('ID3'), [4, 0, 0], [0, 0, 0, 4], [0, 0, 0, 0]);
    const frame64k = bytes(Array.from(id3), [0xff, 0xfb, 0x50, 0xc4], new Array<number>(20).fill(0)); // MPEG-1 L3 64 kbit/s
    expect(audioSeconds({ format: 'mp3', bytes: 80_000, head: frame64k })).toBe(10);
    const frame320k = bytes([0xff, 0xfb, 0xe0, 0xc4], new Array<number>(20).fill(0)); // 320 kbit/s
    expect(audioSeconds({ format: 'mp3', bytes: 160_000, head: frame320k })).toBe(10);
  });

  it('is total on garbage', () => {
    expect(audioTokens({ bytes: 0 })).toBe(0);
    expect(audioTokens({ bytes: -5 })).toBe(0);
    expect(audioTokens({ bytes: Number.NaN })).toBe(0);
    // @ts-expect-error: a JavaScript caller may pass anything
    expect(audioTokens(null)).toBe(0);
    expect(audioTokens({ format: 'wav', bytes: 1000, head: new Uint8Array(3) })).toBeGreaterThan(0);
    const next = rng(11);
    for (let i = 0; i < 300; i++) {
      const t = audioTokens({ format: i % 2 ? 'wav' : 'mp3', bytes: Math.floor(next() * 1e7), head: randomBytes(next, Math.floor(next() * 200)) });
      expect(Number.isFinite(t) && t >= 0).toBe(true);
    }
  });
});
