/**
 * Input-token estimates for non-text media parts (images, PDFs, audio).
 *
 * The relay reserves a call's prompt cost before forwarding it; text is counted with a
 * tokenizer, and this module prices everything else by each provider's published rule so
 * a large image, PDF or audio clip cannot ride for free against a small balance.
 *
 * Pure functions: no I/O, no platform APIs (runs in workerd and Node). Every exported
 * function is total: any input, garbage included, gives a number (or null where the
 * signature says so) and never throws. Estimates lean high, never far below reality:
 * a reservation that is a little too large is released at settlement, one that is far
 * too small lets a caller overdraw.
 */

export interface ImageSize {
  width: number;
  height: number;
}

// ---------------------------------------------------------------------------------------
// Small readers. Out-of-range reads of a Uint8Array give undefined, so every reader below
// is preceded by a length check; `byteAt` keeps the arithmetic in numbers regardless.

function byteAt(b: Uint8Array, o: number): number {
  return o >= 0 && o < b.length ? b[o] : 0;
}
function u16be(b: Uint8Array, o: number): number {
  return byteAt(b, o) * 0x100 + byteAt(b, o + 1);
}
function u16le(b: Uint8Array, o: number): number {
  return byteAt(b, o) + byteAt(b, o + 1) * 0x100;
}
function u24le(b: Uint8Array, o: number): number {
  return byteAt(b, o) + byteAt(b, o + 1) * 0x100 + byteAt(b, o + 2) * 0x10000;
}
function u32be(b: Uint8Array, o: number): number {
  return byteAt(b, o) * 0x1000000 + byteAt(b, o + 1) * 0x10000 + byteAt(b, o + 2) * 0x100 + byteAt(b, o + 3);
}
function u32le(b: Uint8Array, o: number): number {
  return byteAt(b, o) + byteAt(b, o + 1) * 0x100 + byteAt(b, o + 2) * 0x10000 + byteAt(b, o + 3) * 0x1000000;
}
function i32le(b: Uint8Array, o: number): number {
  const v = u32le(b, o);
  return v >= 0x80000000 ? v - 0x100000000 : v;
}
/** Whether the bytes at `o` are the ASCII text `s`. */
function ascii(b: Uint8Array, o: number, s: string): boolean {
  if (o < 0 || o + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}
function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}
/** A real size: two positive finite numbers. */
function validSize(size: unknown): size is ImageSize {
  if (!size || typeof size !== 'object') return false;
  const { width, height } = size as { width?: unknown; height?: unknown };
  return typeof width === 'number' && typeof height === 'number' && Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0;
}
function dims(width: number, height: number): ImageSize | null {
  return width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height) ? { width, height } : null;
}

// ---------------------------------------------------------------------------------------
// Image headers

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

// ---------------------------------------------------------------------------------------
// Base64

/** Value of each base64 character (standard and URL-safe alphabets); -1 for anything else. */
const B64_VALUE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  t[0x2d] = 62; // '-'
  t[0x5f] = 63; // '_'
  return t;
})();

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c;
}

/** Where the base64 payload starts: after leading whitespace and any `data:<type>;base64,` header. */
function payloadStart(data: string): number {
  let i = 0;
  while (i < data.length && isSpace(data.charCodeAt(i))) i++;
  if (data.slice(i, i + 5).toLowerCase() === 'data:') {
    const comma = data.indexOf(',', i);
    return comma < 0 ? data.length : comma + 1;
  }
  return i;
}

/**
 * Decode at most `maxBytes` bytes from the start of a base64 string (standard or URL-safe),
 * skipping a `data:...;base64,` prefix, whitespace and any other non-alphabet character, and
 * stopping at the first `=`. Reads only as much of the string as it needs, so a header-sized
 * prefix of a large payload is cheap.
 */
export function base64Prefix(data: string, maxBytes: number): Uint8Array {
  try {
    if (typeof data !== 'string') return new Uint8Array(0);
    const limit = maxBytes === Infinity ? Infinity : Number.isFinite(maxBytes) && maxBytes > 0 ? Math.floor(maxBytes) : 0;
    const start = payloadStart(data);
    const cap = Math.min(limit, Math.floor(((data.length - start) * 3) / 4) + 3);
    if (!(cap > 0)) return new Uint8Array(0);
    const out = new Uint8Array(cap);
    let n = 0;
    let acc = 0;
    let bits = 0;
    for (let i = start; i < data.length && n < cap; i++) {
      const c = data.charCodeAt(i);
      if (c === 0x3d) break; // '=' padding ends the data
      const v = c < 128 ? B64_VALUE[c] : -1;
      if (v < 0) continue;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >> bits) & 0xff;
      }
    }
    return n === cap ? out : out.subarray(0, n);
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Decoded byte length of a base64 string without decoding it, by the same rules as
 * base64Prefix (data-URL prefix, whitespace and stray characters skipped, `=` ends the data).
 * Clean payloads take a native regex scan; only those with whitespace are walked in JS.
 */
export function base64Length(data: string): number {
  try {
    if (typeof data !== 'string') return 0;
    const start = payloadStart(data);
    const re = /[^A-Za-z0-9+\/_-]/g;
    re.lastIndex = start;
    const hit = re.exec(data);
    if (!hit) return Math.floor(((data.length - start) * 3) / 4);
    let count = hit.index - start;
    if (data.charCodeAt(hit.index) !== 0x3d) {
      for (let i = hit.index + 1; i < data.length; i++) {
        const c = data.charCodeAt(i);
        if (c === 0x3d) break;
        if (c < 128 && B64_VALUE[c] >= 0) count++;
      }
    }
    return Math.floor((count * 3) / 4);
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------
// OpenAI images
//
// Source: OpenAI's vision guide, "Calculating costs" (platform.openai.com/docs/guides/vision,
// the GPT-4o / GPT-4.1 / GPT-4 Turbo tile rule):
//   - detail "low": a fixed 85 tokens, whatever the size.
//   - detail "high" (and "auto", which may pick high): scale to fit within 2048x2048 (only
//     down), then scale so the shortest side is 768 px (only down), then count the 512 px
//     tiles needed to cover the result: 170 tokens per tile + 85.
// Note: some models multiply these numbers (gpt-4o-mini bills 2833 + 5667 per tile) or use a
// 32 px patch rule (gpt-4.1-mini/nano, o4-mini); those are not covered here.

export const OPENAI_LOW_DETAIL_TOKENS = 85;
const OPENAI_BASE_TOKENS = 85;
const OPENAI_TILE_TOKENS = 170;
const OPENAI_TILE = 512;
const OPENAI_FIT = 2048;
const OPENAI_SHORT_SIDE = 768;

/**
 * Worst case for high/auto detail when the size is unknown (an http URL, unreadable header).
 * After the two scaling steps the long side is at most 2048 px and the short side at most
 * 768 px, so at most ceil(768/512) x ceil(2048/512) = 2 x 4 = 8 tiles; a 768x2048 image
 * reaches it. 8 * 170 + 85 = 1445.
 */
export const OPENAI_IMAGE_MAX_TOKENS = 8 * OPENAI_TILE_TOKENS + OPENAI_BASE_TOKENS;

export function openAiImageTokens(size: ImageSize | null, detail?: string): number {
  try {
    if (typeof detail === 'string' && detail.trim().toLowerCase() === 'low') return OPENAI_LOW_DETAIL_TOKENS;
    if (!validSize(size)) return OPENAI_IMAGE_MAX_TOKENS;
    let w = size.width;
    let h = size.height;
    const fit = Math.min(1, OPENAI_FIT / Math.max(w, h));
    w = Math.max(1, Math.floor(w * fit));
    h = Math.max(1, Math.floor(h * fit));
    const shrink = Math.min(1, OPENAI_SHORT_SIDE / Math.min(w, h));
    w = Math.max(1, Math.floor(w * shrink));
    h = Math.max(1, Math.floor(h * shrink));
    const tiles = Math.ceil(w / OPENAI_TILE) * Math.ceil(h / OPENAI_TILE);
    return Math.min(OPENAI_IMAGE_MAX_TOKENS, tiles * OPENAI_TILE_TOKENS + OPENAI_BASE_TOKENS);
  } catch {
    return OPENAI_IMAGE_MAX_TOKENS;
  }
}

// ---------------------------------------------------------------------------------------
// Anthropic images
//
// Source: Anthropic's vision docs ("Evaluate image size" / "Calculate image costs",
// docs.anthropic.com/en/docs/build-with-claude/vision): tokens = (width * height) / 750. An
// image whose long edge exceeds 1568 px, or that exceeds about 1,600 tokens (the docs also say
// "~1.15 megapixels"), is first scaled down, keeping its aspect ratio, to fit both limits.
// The two phrasings disagree (1.15 MP / 750 = 1,533 tokens), and the docs' own table of
// largest unscaled sizes goes up to 784x1568 = 1,229,312 px (1,640 tokens; 1092x1092 is 1,590).
// We cap at that table maximum so the estimate is never below a size the docs say is kept.
// Note: models with a larger native resolution (e.g. a 2576 px long edge) cost more; this
// rule covers the 1568 px generation.

const ANTHROPIC_MAX_EDGE = 1568;
const ANTHROPIC_MAX_PIXELS = 784 * 1568;
const ANTHROPIC_PIXELS_PER_TOKEN = 750;

/** Worst case when the size is unknown: the pixel cap at 750 px a token, ceil(1,229,312 / 750) = 1,640. */
export const ANTHROPIC_IMAGE_MAX_TOKENS = Math.ceil(ANTHROPIC_MAX_PIXELS / ANTHROPIC_PIXELS_PER_TOKEN);

/** The size Anthropic processes an image at: scaled down (never up) to fit both limits. */
function anthropicScaledSize(size: ImageSize): ImageSize {
  const { width: w, height: h } = size;
  const scale = Math.min(1, ANTHROPIC_MAX_EDGE / Math.max(w, h), Math.sqrt(ANTHROPIC_MAX_PIXELS / (w * h)));
  if (scale >= 1) return { width: w, height: h };
  return { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)) };
}

export function anthropicImageTokens(size: ImageSize | null): number {
  try {
    if (!validSize(size) || !Number.isFinite(size.width * size.height)) return ANTHROPIC_IMAGE_MAX_TOKENS;
    const s = anthropicScaledSize(size);
    return Math.min(ANTHROPIC_IMAGE_MAX_TOKENS, Math.ceil((s.width * s.height) / ANTHROPIC_PIXELS_PER_TOKEN));
  } catch {
    return ANTHROPIC_IMAGE_MAX_TOKENS;
  }
}

// ---------------------------------------------------------------------------------------
// Gemini images
//
// Source: Google's Gemini docs, "Understand and count tokens" (ai.google.dev/gemini-api/docs/
// tokens, Gemini 2.x): "image inputs with both dimensions <= 384 pixels are counted as 258
// tokens. Images larger in one or both dimensions are cropped and scaled as needed into tiles
// of 768x768 pixels, each counted as 258 tokens." The exact rule implemented:
//   both sides <= 384 px  ->  258
//   otherwise             ->  ceil(width / 768) * ceil(height / 768) * 258
// Gemini 3 instead charges a fixed budget per image set by media_resolution (low 280,
// medium 560, high 1120 - the default for images - and ultra high 2240).

const GEMINI_TILE_TOKENS = 258;
const GEMINI_SMALL_SIDE = 384;
const GEMINI_TILE = 768;
/** Tiles per side are capped only to keep absurd sizes finite (65,536 tiles is a 50-million-pixel side). */
const GEMINI_MAX_TILES_PER_SIDE = 65_536;

/**
 * Unknown size (e.g. a Files API or gs:// URI): 9 tiles = 2,322 tokens, a 3x3 grid covering
 * images up to 2304x2304 (1080p and 1440p screenshots need 6 and 8 tiles), and above the
 * largest per-image budget Gemini 3 publishes (2,240 at ultra-high media resolution).
 */
export const GEMINI_IMAGE_UNKNOWN_TOKENS = 9 * GEMINI_TILE_TOKENS;

export function geminiImageTokens(size: ImageSize | null): number {
  try {
    if (!validSize(size)) return GEMINI_IMAGE_UNKNOWN_TOKENS;
    const { width, height } = size;
    if (width <= GEMINI_SMALL_SIDE && height <= GEMINI_SMALL_SIDE) return GEMINI_TILE_TOKENS;
    const across = Math.min(GEMINI_MAX_TILES_PER_SIDE, Math.ceil(width / GEMINI_TILE));
    const down = Math.min(GEMINI_MAX_TILES_PER_SIDE, Math.ceil(height / GEMINI_TILE));
    return across * down * GEMINI_TILE_TOKENS;
  } catch {
    return GEMINI_IMAGE_UNKNOWN_TOKENS;
  }
}

// ---------------------------------------------------------------------------------------
// PDFs

const PDF_SLASH = 0x2f;

function isPdfSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
/** PDF delimiters and whitespace end a name token. */
function endsPdfName(c: number): boolean {
  return isPdfSpace(c) || c === 0x2f || c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x25;
}
/** End (exclusive) of the name whose first character (after the slash) is at `o`. */
function pdfNameEnd(b: Uint8Array, o: number): number {
  let i = o;
  while (i < b.length && i - o < 64 && !endsPdfName(b[i])) i++;
  return i;
}
function skipPdfSpace(b: Uint8Array, o: number): number {
  let i = o;
  while (i < b.length && isPdfSpace(b[i])) i++;
  return i;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
/**
 * A direct non-negative integer at `o` (after whitespace), or -1. An indirect reference
 * ("12 0 R") is not a count, so it gives -1 too.
 */
function pdfDirectInt(b: Uint8Array, o: number): number {
  let i = skipPdfSpace(b, o);
  let value = 0;
  let digits = 0;
  while (i < b.length && isDigit(b[i])) {
    if (digits < 9) value = value * 10 + (b[i] - 0x30);
    digits++;
    i++;
  }
  if (digits === 0 || digits > 9) return -1;
  // "N G R" is a reference to an object, not a number.
  let j = skipPdfSpace(b, i);
  if (j < b.length && isDigit(b[j])) {
    while (j < b.length && isDigit(b[j])) j++;
    j = skipPdfSpace(b, j);
    if (j < b.length && b[j] === 0x52) return -1; // 'R'
  }
  return value;
}
function findAll(b: Uint8Array, text: string): number[] {
  const out: number[] = [];
  const first = text.charCodeAt(0);
  let i = b.indexOf(first);
  while (i !== -1) {
    if (ascii(b, i, text)) out.push(i);
    i = b.indexOf(first, i + 1);
  }
  return out;
}
function nameEquals(b: Uint8Array, start: number, end: number, name: string): boolean {
  return end - start === name.length && ascii(b, start, name);
}

/**
 * Pages of a PDF from its raw bytes, or null when nothing says. Takes the largest of:
 *   - the number of `/Type /Page` objects (not `/Pages`), whitespace between the two tolerated;
 *   - `/Count N` of a `/Type /Pages` node (the root's count is the largest);
 *   - `/N` of the `/Linearized` dictionary, which sits uncompressed at the start of
 *     linearized ("fast web view") files even when the page tree is compressed.
 * Works on uncompressed object headers; a PDF whose page tree lives only in compressed
 * object streams gives null, and the caller falls back to a size-based estimate. Old object
 * versions left by incremental updates can make the count high, never low.
 */
export function pdfPageCount(bytes: Uint8Array): number | null {
  try {
    if (!isBytes(bytes) || bytes.length === 0) return null;
    // Objects end at "endobj"; a /Count belongs to a Pages node when both sit in one object.
    const ends = findAll(bytes, 'endobj');
    let pageObjects = 0;
    let treeCount = 0;
    let linearizedPages = 0;

    let region = -1;
    let hasPagesType = false;
    let isLinearized = false;
    let maxCount = 0;
    let maxN = 0;
    const closeRegion = (): void => {
      if (hasPagesType) treeCount = Math.max(treeCount, maxCount);
      if (isLinearized) linearizedPages = Math.max(linearizedPages, maxN);
      hasPagesType = isLinearized = false;
      maxCount = maxN = 0;
    };

    let e = 0;
    let p = bytes.indexOf(PDF_SLASH);
    while (p !== -1) {
      while (e < ends.length && ends[e] < p) e++;
      if (e !== region) {
        closeRegion();
        region = e;
      }
      const start = p + 1;
      const end = pdfNameEnd(bytes, start);
      if (nameEquals(bytes, start, end, 'Type')) {
        const q = skipPdfSpace(bytes, end);
        if (q < bytes.length && bytes[q] === PDF_SLASH) {
          const vEnd = pdfNameEnd(bytes, q + 1);
          if (nameEquals(bytes, q + 1, vEnd, 'Page')) pageObjects++;
          else if (nameEquals(bytes, q + 1, vEnd, 'Pages')) hasPagesType = true;
        }
      } else if (nameEquals(bytes, start, end, 'Count')) {
        maxCount = Math.max(maxCount, pdfDirectInt(bytes, end));
      } else if (nameEquals(bytes, start, end, 'Linearized')) {
        isLinearized = true;
      } else if (nameEquals(bytes, start, end, 'N')) {
        maxN = Math.max(maxN, pdfDirectInt(bytes, end));
      }
      p = bytes.indexOf(PDF_SLASH, Math.max(end, p + 1));
    }
    closeRegion();
    const pages = Math.max(pageObjects, treeCount, linearizedPages);
    return pages > 0 ? pages : null;
  } catch {
    return null;
  }
}

// Source: Anthropic's PDF support docs (docs.anthropic.com/en/docs/build-with-claude/pdf-support,
// "Estimate your costs"): each page is converted to an image and its text is extracted; text
// typically costs 1,500-3,000 tokens per page, plus the page image at the image rate. We take
// the top of that range plus the worst-case image (ANTHROPIC_IMAGE_MAX_TOKENS = 1,640):
// 4,640 tokens a page. This also covers Gemini (258 tokens a page on 2.x, 560 on Gemini 3's
// default medium resolution) and OpenAI's file inputs (extracted text plus a page image).
export const PDF_TEXT_TOKENS_PER_PAGE = 3000;
export const PDF_TOKENS_PER_PAGE = PDF_TEXT_TOKENS_PER_PAGE + ANTHROPIC_IMAGE_MAX_TOKENS;
/**
 * Pages assumed per byte when the page count is unknown: one page per 50 KB (50,000 bytes),
 * at least one. Text-only PDFs run a few KB to a few tens of KB a page, scanned ones 100 KB+,
 * so this is high for scans and can be low for compressed text-only files with many pages.
 */
export const PDF_BYTES_PER_PAGE = 50_000;

/** Pages assumed for a document of `bytes` bytes when its page count is unknown (at least 1). */
export function estimatedPdfPages(bytes: number): number {
  const n = typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  return Math.max(1, Math.ceil(n / PDF_BYTES_PER_PAGE));
}

export function documentTokens(input: { pages: number | null; bytes: number }): number {
  try {
    const pages = input && typeof input === 'object' ? input.pages : null;
    const bytes = input && typeof input === 'object' ? input.bytes : 0;
    const n = typeof pages === 'number' && Number.isFinite(pages) && pages >= 1 ? Math.ceil(pages) : estimatedPdfPages(bytes);
    return n * PDF_TOKENS_PER_PAGE;
  } catch {
    return PDF_TOKENS_PER_PAGE;
  }
}

// ---------------------------------------------------------------------------------------
// Audio
//
// Tokens per second of input audio:
//   - Gemini: 32 tokens per second (Google, "Understand and count tokens": audio is tokenized
//     at a fixed 32 tokens per second, at every media resolution).
//   - OpenAI gpt-4o audio / realtime: about 10 tokens per second (user audio is ~1 token per
//     100 ms; OpenAI publishes per-token prices, not an official rate, so this is approximate).
//   - Anthropic: no audio input.
// The default is the highest published rate, 32, so one estimate is safe on any upstream;
// pass tokensPerSecond to use a provider's own rate.
export const GEMINI_AUDIO_TOKENS_PER_SECOND = 32;
export const OPENAI_AUDIO_TOKENS_PER_SECOND = 10;
export const AUDIO_TOKENS_PER_SECOND = GEMINI_AUDIO_TOKENS_PER_SECOND;

// Duration comes from the byte count and a byte rate. Assumed rates lean low (a low bitrate
// means more seconds, so more tokens):
//   - WAV: the header's byte rate when the first bytes are given; otherwise 8,000 B/s
//     (8 kHz 8-bit mono, i.e. telephone-grade G.711, the lowest common WAV rate).
//   - MP3: the first frame's bitrate when the first bytes are given, but never above
//     128 kbit/s; otherwise 128 kbit/s = 16,000 B/s.
//   - Opus / Ogg / WebM: 32 kbit/s = 4,000 B/s (Opus speech is commonly 16-32 kbit/s).
//   - G.711 (mu-law / a-law): 8,000 B/s exactly.
//   - anything else (AAC, M4A, FLAC, AIFF, PCM, unknown): 128 kbit/s = 16,000 B/s.
export const DEFAULT_AUDIO_BYTES_PER_SECOND = 16_000;
const WAV_FALLBACK_BYTES_PER_SECOND = 8_000;
const OPUS_BYTES_PER_SECOND = 4_000;
const G711_BYTES_PER_SECOND = 8_000;

/** Byte rate from a WAV (RIFF/WAVE) header's fmt chunk, or null. */
function wavByteRate(b: Uint8Array): number | null {
  if (b.length < 12 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WAVE')) return null;
  let o = 12;
  for (let n = 0; n < 16 && o + 8 <= b.length; n++) {
    const size = u32le(b, o + 4);
    if (ascii(b, o, 'fmt ')) {
      if (size < 16 || o + 20 > b.length) return null;
      const rate = u32le(b, o + 16);
      // GSM 6.10 in WAV is ~1,625 B/s; anything outside this range is a broken header.
      return rate >= 1_000 && rate <= 10_000_000 ? rate : null;
    }
    o += 8 + size + (size % 2);
  }
  return null;
}

// kbit/s by bitrate index (1..14) for MPEG-1 and MPEG-2/2.5, layers I, II, III.
const MP3_KBPS_V1: readonly (readonly number[])[] = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // layer I
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // layer II
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // layer III
];
const MP3_KBPS_V2: readonly (readonly number[])[] = [
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], // layer I
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // layers II and III
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/** Byte rate of the first MPEG audio frame (after any ID3v2 tag) within the given bytes, or null. */
function mp3ByteRate(b: Uint8Array): number | null {
  let o = 0;
  if (ascii(b, 0, 'ID3') && b.length >= 10) {
    const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
    o = 10 + size + (b[5] & 0x10 ? 10 : 0);
  }
  const stop = Math.min(b.length - 3, o + 4096);
  for (let i = o; i < stop; i++) {
    if (b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (b[i + 1] >> 3) & 0x03; // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
    const layer = (b[i + 1] >> 1) & 0x03; // 1: III, 2: II, 3: I, 0: reserved
    const bitrateIndex = b[i + 2] >> 4;
    const sampleRateIndex = (b[i + 2] >> 2) & 0x03;
    if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) continue;
    const table = version === 3 ? MP3_KBPS_V1 : MP3_KBPS_V2;
    const kbps = table[3 - layer][bitrateIndex];
    return (kbps * 1000) / 8;
  }
  return null;
}

function normalizeAudioFormat(format: unknown): string {
  if (typeof format !== 'string') return '';
  let f = format.trim().toLowerCase();
  const semi = f.indexOf(';');
  if (semi >= 0) f = f.slice(0, semi).trim();
  if (f.startsWith('audio/')) f = f.slice(6);
  if (f.startsWith('x-')) f = f.slice(2);
  return f;
}

function audioBytesPerSecond(format: string, head: Uint8Array | null): number {
  if (head) {
    const wav = wavByteRate(head);
    if (wav !== null) return wav;
    if (format === 'mp3' || format === 'mpeg' || format === 'mpga' || format === '' || ascii(head, 0, 'ID3')) {
      const mp3 = mp3ByteRate(head);
      if (mp3 !== null) return Math.min(mp3, DEFAULT_AUDIO_BYTES_PER_SECOND);
    }
  }
  switch (format) {
    case 'wav':
    case 'wave':
    case 'vnd.wave':
      return WAV_FALLBACK_BYTES_PER_SECOND;
    case 'opus':
    case 'ogg':
    case 'oga':
    case 'webm':
      return OPUS_BYTES_PER_SECOND;
    case 'g711_ulaw':
    case 'g711_alaw':
    case 'pcmu':
    case 'pcma':
    case 'basic':
      return G711_BYTES_PER_SECOND;
    default:
      return DEFAULT_AUDIO_BYTES_PER_SECOND;
  }
}

export interface AudioInput {
  /** A format name ("wav", "mp3") or MIME type ("audio/mpeg"). */
  format?: string;
  /** Size of the audio in bytes (e.g. from base64Length). */
  bytes: number;
  /** The first bytes of the audio (e.g. from base64Prefix), to read a WAV or MP3 header. */
  head?: Uint8Array;
  /** Tokens per second of audio; defaults to AUDIO_TOKENS_PER_SECOND (32). */
  tokensPerSecond?: number;
}

/** Estimated duration in seconds, leaning long. */
export function audioSeconds(input: AudioInput): number {
  try {
    if (!input || typeof input !== 'object') return 0;
    const bytes = typeof input.bytes === 'number' && Number.isFinite(input.bytes) && input.bytes > 0 ? input.bytes : 0;
    if (bytes === 0) return 0;
    const head = isBytes(input.head) ? input.head : null;
    return bytes / audioBytesPerSecond(normalizeAudioFormat(input.format), head);
  } catch {
    return 0;
  }
}

export function audioTokens(input: AudioInput): number {
  try {
    const seconds = audioSeconds(input);
    const rate = input && typeof input.tokensPerSecond === 'number' && Number.isFinite(input.tokensPerSecond) && input.tokensPerSecond > 0 ? input.tokensPerSecond : AUDIO_TOKENS_PER_SECOND;
    return Math.ceil(seconds * rate);
  } catch {
    return 0;
  }
}
