/** Pixel size of an image read from its header (PNG, JPEG, GIF, WebP, BMP). */
import { ascii, i32le, isBytes, u16be, u16le, u24le, u32be, u32le } from './bytes';

export interface ImageSize {
  width: number;
  height: number;
}

/** A real size: two positive finite numbers. */
export function validSize(size: unknown): size is ImageSize {
  if (!size || typeof size !== 'object') return false;
  const { width, height } = size as { width?: unknown; height?: unknown };
  return (
    typeof width === 'number' &&
    typeof height === 'number' &&
    Number.isFinite(width) &&
    Number.isFinite(height) &&
    width > 0 &&
    height > 0
  );
}
function dims(width: number, height: number): ImageSize | null {
  return width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height) ? { width, height } : null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(b: Uint8Array): ImageSize | null {
  if (b.length < 24) return null;
  for (let i = 0; i < 8; i++) if (b[i] !== PNG_SIGNATURE[i]) return null;
  // IHDR must be the first chunk; Apple's "CgBI" PNGs put one chunk before it, so walk a few.
  let o = 8;
  for (let n = 0; n < 4 && o + 16 <= b.length; n++) {
    const len = u32be(b, o);
    if (ascii(b, o + 4, 'IHDR')) return len >= 8 ? dims(u32be(b, o + 8), u32be(b, o + 12)) : null;
    o += 12 + len;
  }
  return null;
}

/** SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG extension) and CC (DAC) share the range but are not frames. */
function isJpegFrameMarker(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function jpegSize(b: Uint8Array): ImageSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let o = 2;
  while (o < b.length) {
    // Like libjpeg, skip stray bytes between segments, then any 0xFF fill bytes.
    while (o < b.length && b[o] !== 0xff) o++;
    while (o < b.length && b[o] === 0xff) o++;
    if (o >= b.length) return null;
    const marker = b[o++];
    // Markers without a length field: SOI, TEM, RST0..7 (and 0x00, a stuffed byte).
    if (marker === 0xd8 || marker === 0x01 || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    // End of image or start of scan before any frame header: no size to read.
    if (marker === 0xd9 || marker === 0xda) return null;
    if (o + 2 > b.length) return null;
    const len = u16be(b, o);
    if (len < 2) return null;
    if (isJpegFrameMarker(marker)) {
      // Lf(2) P(1) Y(2) X(2): height first, then width. Y = 0 means "defined later by DNL".
      if (o + 7 > b.length) return null;
      return dims(u16be(b, o + 5), u16be(b, o + 3));
    }
    o += len;
  }
  return null;
}

function gifSize(b: Uint8Array): ImageSize | null {
  if (b.length < 10 || !(ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'))) return null;
  return dims(u16le(b, 6), u16le(b, 8));
}

function webpSize(b: Uint8Array): ImageSize | null {
  if (b.length < 16 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP')) return null;
  if (ascii(b, 12, 'VP8 ')) {
    // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (top 2 bits are scale).
    if (b.length < 30 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return dims(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (ascii(b, 12, 'VP8L')) {
    // Lossless: signature 0x2F, then 14 bits width-1 and 14 bits height-1, little-endian.
    if (b.length < 25 || b[20] !== 0x2f) return null;
    const bits = u32le(b, 21);
    return dims((bits & 0x3fff) + 1, (Math.floor(bits / 0x4000) & 0x3fff) + 1);
  }
  if (ascii(b, 12, 'VP8X')) {
    // Extended: flags(1) reserved(3), then 24-bit canvas width-1 and height-1.
    if (b.length < 30) return null;
    return dims(u24le(b, 24) + 1, u24le(b, 27) + 1);
  }
  return null;
}

function bmpSize(b: Uint8Array): ImageSize | null {
  if (b.length < 22 || !ascii(b, 0, 'BM')) return null;
  const headerSize = u32le(b, 14);
  if (headerSize === 12) return dims(u16le(b, 18), u16le(b, 20)); // OS/2 BITMAPCOREHEADER: 16-bit sizes
  if (headerSize < 16 || b.length < 26) return null;
  // BITMAPINFOHEADER and later: signed 32-bit; a negative height means a top-down bitmap.
  return dims(Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22)));
}

/**
 * Pixel size of a PNG, JPEG, GIF, WebP (VP8, VP8L, VP8X) or BMP image, read from its header
 * only (a prefix such as the first 64 KiB is enough). Null when the format is unknown, the
 * header is truncated, or it states a zero size.
 */
export function imageSize(bytes: Uint8Array): ImageSize | null {
  try {
    if (!isBytes(bytes) || bytes.length < 4) return null;
    switch (bytes[0]) {
      case 0x89:
        return pngSize(bytes);
      case 0xff:
        return jpegSize(bytes);
      case 0x47: // G
        return gifSize(bytes);
      case 0x52: // R
        return webpSize(bytes);
      case 0x42: // B
        return bmpSize(bytes);
      default:
        return null;
    }
  } catch {
    return null;
  }
}
