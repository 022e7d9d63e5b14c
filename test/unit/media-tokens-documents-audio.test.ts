import { describe, expect, it } from 'vitest';
import {
  PDF_TOKENS_PER_PAGE,
  anthropicImageTokens,
  audioSeconds,
  audioTokens,
  base64Length,
  base64Prefix,
  documentTokens,
  imageSize,
  pdfPageCount,
} from '../../worker/relay/media-tokens';
import { ascii, bytes, le16, le32, png, randomBytes, rng, toBase64 } from './media-bytes';

// Token estimates for non-image media: PDF pages, base64 payloads (their decoded size and
// prefix) and audio duration.

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
    const pdf =
      '%PDF-1.6\n43 0 obj <</Linearized 1/L 200000/O 45/E 1000/N 17/T 199000/H [500 200]>>\nendobj\n50 0 obj <</Type/ObjStm/N 80>> stream\n..endstream\nendobj';
    expect(pdfPageCount(enc(pdf))).toBe(17);
  });

  it('takes the largest of what it finds', () => {
    const pdf =
      '1 0 obj <</Type/Pages/Count 2>> endobj 2 0 obj <</Type/Page>> endobj 3 0 obj <</Type/Page>> endobj 4 0 obj <</Type/Page>> endobj';
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
    const urlSafe = toBase64(new Uint8Array([0xfb, 0xff, 0xfe]))
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
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
    ascii('RIFF'),
    le32(0),
    ascii('WAVE'),
    ascii('LIST'),
    le32(4),
    ascii('INFO'), // a chunk before fmt, to be skipped
    ascii('fmt '),
    le32(16),
    le16(1),
    le16(1),
    le32(byteRate / 2),
    le32(byteRate),
    le16(2),
    le16(16),
    ascii('data'),
    le32(0),
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
      const t = audioTokens({
        format: i % 2 ? 'wav' : 'mp3',
        bytes: Math.floor(next() * 1e7),
        head: randomBytes(next, Math.floor(next() * 200)),
      });
      expect(Number.isFinite(t) && t >= 0).toBe(true);
    }
  });
});
