// Header edges of the image rules (written against the mutants StrykerJS found alive).
import { describe, expect, it } from 'vitest';
import { anthropicImageTokens, geminiImageTokens, imageSize, openAiImageTokens } from '../../worker/relay/media-tokens';
import { validSize } from '../../worker/relay/media/image-size';
import { ascii, be16, be32, bytes, le16, le24, le32, png } from './media-bytes';

const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const chunk = (type: string, data: number[]) => [...be32(data.length), ...ascii(type), ...data, 0, 0, 0, 0];
const ihdr = (w: number, h: number) => chunk('IHDR', [...be32(w), ...be32(h), 8, 6, 0, 0, 0]);
const seg = (marker: number, body: number[]) => [0xff, marker, ...be16(body.length + 2), ...body];
const sof = (marker: number, w: number, h: number) =>
  seg(marker, [8, ...be16(h), ...be16(w), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
const jpeg = (...parts: number[][]) => bytes([0xff, 0xd8], ...parts);
const riff = (kind: string, body: number[]) =>
  bytes(ascii('RIFF'), le32(body.length + 8), ascii('WEBP'), ascii(kind), le32(body.length), body);

describe('validSize', () => {
  it('is two positive finite numbers', () => {
    expect(validSize({ width: 1, height: 1 })).toBe(true);
    for (const bad of [
      null,
      undefined,
      5,
      'x',
      {},
      { width: '1', height: 2 },
      { width: 1, height: '2' },
      { width: Number.NaN, height: 1 },
      { width: 1, height: Number.POSITIVE_INFINITY },
      { width: Number.POSITIVE_INFINITY, height: 1 },
      { width: 1, height: Number.NaN },
      { width: 0, height: 1 },
      { width: 1, height: 0 },
      { width: -1, height: 1 },
    ]) {
      expect(validSize(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('PNG', () => {
  it('needs all 24 header bytes and every signature byte', () => {
    expect(imageSize(png(5, 7).subarray(0, 24))).toEqual({ width: 5, height: 7 });
    expect(imageSize(png(5, 7).subarray(0, 23))).toBeNull();
    for (let i = 1; i < 8; i++) {
      const b = png(5, 7);
      b[i] ^= 0x20;
      expect(imageSize(b), `signature byte ${i}`).toBeNull();
    }
    expect(imageSize(png(10, 0))).toBeNull();
  });
  it('walks up to three chunks (Apple CgBI) before IHDR, and reads a short IHDR as nothing', () => {
    const cgbi = chunk('CgBI', [0x50, 0, 0x20, 0x06]);
    expect(imageSize(bytes(SIG, cgbi, ihdr(640, 480)))).toEqual({ width: 640, height: 480 });
    expect(imageSize(bytes(SIG, cgbi, cgbi, cgbi, ihdr(64, 48)))).toEqual({ width: 64, height: 48 });
    expect(imageSize(bytes(SIG, cgbi, cgbi, cgbi, cgbi, ihdr(64, 48)))).toBeNull();
    expect(imageSize(bytes(SIG, chunk('IHDR', [0, 0, 0, 9, 0, 0, 0]), [0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(imageSize(bytes(SIG, chunk('IHDR', [0, 0, 0, 9, 0, 0, 0, 9])))).toEqual({ width: 9, height: 9 });
    // a chunk that ends where the next header would not fit
    expect(imageSize(bytes(SIG, cgbi, [0, 0, 0, 13], ascii('IHDR'), [0, 0, 0, 9]))).toBeNull();
  });
});

describe('JPEG', () => {
  it('reads every SOF marker but DHT (C4), JPG (C8) and DAC (CC)', () => {
    for (let m = 0xc0; m <= 0xcf; m++) {
      const b = jpeg(sof(m, 33, 44));
      expect(imageSize(b), m.toString(16)).toEqual([0xc4, 0xc8, 0xcc].includes(m) ? null : { width: 33, height: 44 });
    }
    expect(imageSize(jpeg(seg(0xc4, [1, 2, 3]), sof(0xc0, 3, 4)))).toEqual({ width: 3, height: 4 });
    expect(imageSize(jpeg(seg(0xc8, [1, 2, 3]), sof(0xc0, 3, 4)))).toEqual({ width: 3, height: 4 });
    expect(imageSize(jpeg(seg(0xcc, [1, 2]), sof(0xc0, 3, 4)))).toEqual({ width: 3, height: 4 });
    expect(imageSize(jpeg(seg(0xbf, [1, 2]), sof(0xc0, 3, 4)))).toEqual({ width: 3, height: 4 });
    expect(imageSize(jpeg(seg(0xd0 + 0x10, [1, 2]), sof(0xc0, 3, 4)))).toEqual({ width: 3, height: 4 });
  });
  it('skips stray bytes, fill bytes and the markers without a length', () => {
    const bare = (m: number) => [0xff, m];
    expect(
      imageSize(
        jpeg(
          [1, 2, 3],
          [0xff, 0xff, 0xff],
          bare(0xd8),
          bare(0x01),
          bare(0x00),
          bare(0xd0),
          bare(0xd7),
          sof(0xc0, 7, 9),
        ),
      ),
    ).toEqual({ width: 7, height: 9 });
    expect(imageSize(jpeg(bare(0xd9), sof(0xc0, 7, 9)))).toBeNull();
    expect(imageSize(jpeg(bare(0xda), sof(0xc0, 7, 9)))).toBeNull();
    expect(imageSize(jpeg([0xff, 0xe0, 0, 1], sof(0xc0, 7, 9)))).toBeNull(); // a length below 2
    expect(imageSize(jpeg([0xff, 0xe0, 0, 2], sof(0xc0, 7, 9)))).toEqual({ width: 7, height: 9 });
  });
  it('stops at the end of the bytes, wherever it falls', () => {
    const full = jpeg(seg(0xe0, [1, 2, 3, 4]), sof(0xc0, 7, 9));
    expect(imageSize(full.subarray(0, 2 + 8 + 9))).toEqual({ width: 7, height: 9 });
    for (const n of [4, 5, 7, 11, 12, 13, 2 + 8 + 8]) expect(imageSize(full.subarray(0, n)), `cut at ${n}`).toBeNull();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xff]))).toBeNull();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0, 0]))).toBeNull();
    expect(imageSize(bytes([0xff, 0xd9, 0xff, 0xc0]))).toBeNull();
    expect(imageSize(bytes([0xfe, 0xd8, 0xff, 0xc0]))).toBeNull();
  });
});

describe('GIF, WebP and BMP', () => {
  it('GIF: both versions, ten bytes', () => {
    expect(imageSize(bytes(ascii('GIF87a'), le16(3), le16(4)))).toEqual({ width: 3, height: 4 });
    expect(imageSize(bytes(ascii('GIF89a'), le16(3), le16(4)))).toEqual({ width: 3, height: 4 });
    expect(imageSize(bytes(ascii('GIF88a'), le16(3), le16(4)))).toBeNull();
    expect(imageSize(bytes(ascii('GIF89a'), le16(3), [4]))).toBeNull();
  });
  it('VP8: the start code and 14-bit sizes', () => {
    const vp8 = (w: number, h: number, code = [0x9d, 0x01, 0x2a]) =>
      riff('VP8 ', [0, 0, 0, ...code, ...le16(w), ...le16(h)]);
    expect(imageSize(vp8(0xc000 | 640, 0x4000 | 480))).toEqual({ width: 640, height: 480 });
    expect(imageSize(vp8(640, 480).subarray(0, 29))).toBeNull();
    expect(imageSize(vp8(640, 480).subarray(0, 30))).toEqual({ width: 640, height: 480 });
    for (const code of [
      [0x9c, 1, 0x2a],
      [0x9d, 2, 0x2a],
      [0x9d, 1, 0x2b],
    ])
      expect(imageSize(vp8(640, 480, code))).toBeNull();
  });
  it('VP8L: the signature and 14-bit sizes less one', () => {
    const vp8l = (bits: number, sig = 0x2f) => riff('VP8L', [sig, ...le32(bits)]);
    expect(imageSize(vp8l(299 + (199 << 14)))).toEqual({ width: 300, height: 200 });
    expect(imageSize(vp8l(299 + (199 << 14) + 0x70000000))).toEqual({ width: 300, height: 200 });
    expect(imageSize(vp8l(299, 0x2e))).toBeNull();
    expect(imageSize(vp8l(299).subarray(0, 24))).toBeNull();
    expect(imageSize(vp8l(299).subarray(0, 25))).toEqual({ width: 300, height: 1 });
  });
  it('VP8X: 24-bit canvas sizes less one', () => {
    const vp8x = riff('VP8X', [0, 0, 0, 0, ...le24(3999), ...le24(2999)]);
    expect(imageSize(vp8x)).toEqual({ width: 4000, height: 3000 });
    expect(imageSize(vp8x.subarray(0, 29))).toBeNull();
    expect(imageSize(riff('VP8Y', [0, 0, 0, 0, ...le24(3999), ...le24(2999)]))).toBeNull();
    expect(
      imageSize(bytes(ascii('RIFF'), le32(30), ascii('WAVE'), ascii('VP8X'), le32(10), [0, 0, 0, 0], le24(1), le24(1))),
    ).toBeNull();
  });
  it('BMP: core headers in 16 bits, info headers signed 32 bits', () => {
    const bmp = (header: number, rest: number[]) => bytes(ascii('BM'), le32(0), le32(0), le32(54), le32(header), rest);
    expect(imageSize(bmp(12, [...le16(64), ...le16(32)]))).toEqual({ width: 64, height: 32 });
    expect(imageSize(bmp(40, [...le32(10), ...le32(-20 >>> 0)]))).toEqual({ width: 10, height: 20 });
    expect(imageSize(bmp(16, [...le32(10), ...le32(20)]))).toEqual({ width: 10, height: 20 });
    expect(imageSize(bmp(15, [...le32(10), ...le32(20)]))).toBeNull();
    expect(imageSize(bmp(40, [...le32(10), 20, 0, 0]))).toBeNull();
    expect(imageSize(bmp(40, [...le32(10), ...le32(20)]).subarray(0, 26))).toEqual({ width: 10, height: 20 });
  });
  it('anything but bytes is no image', () => {
    expect(imageSize([0x89, 0x50] as unknown as Uint8Array)).toBeNull();
    expect(imageSize(bytes([0x42, 0x4d, 0, 0]))).toBeNull();
  });
});

describe('image rules at their edges', () => {
  it('OpenAI: low detail in any case and spacing; fit into 2048 before the short side', () => {
    expect(openAiImageTokens({ width: 4096, height: 4096 }, ' LOW ')).toBe(85);
    expect(openAiImageTokens({ width: 4096, height: 1024 })).toBe(85 + 170 * 4); // 2048x512: 4x1 tiles
    expect(openAiImageTokens({ width: 1024, height: 4096 }, 'high')).toBe(85 + 170 * 4);
  });
  it('Anthropic: scales by the pixel cap as well as the long edge', () => {
    expect(anthropicImageTokens({ width: 1500, height: 1500 })).toBe(Math.ceil((1108 * 1108) / 750));
    expect(anthropicImageTokens({ width: 3000, height: 100 })).toBe(Math.ceil((1568 * 52) / 750));
    expect(anthropicImageTokens({ width: 784, height: 1568 })).toBe(1640);
    expect(anthropicImageTokens({ width: 1e200, height: 1e200 })).toBe(1640);
  });
  it('Gemini: a tile per 768 px each way', () => {
    expect(geminiImageTokens({ width: 385, height: 100 })).toBe(258);
    expect(geminiImageTokens({ width: 769, height: 100 })).toBe(516);
    expect(geminiImageTokens({ width: 100, height: 1537 })).toBe(774);
  });
});
