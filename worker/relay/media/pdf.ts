/** Page count of a PDF from its raw bytes, and the input tokens a document is priced at. */
import { ANTHROPIC_IMAGE_MAX_TOKENS } from './image-tokens';
import { ascii, isBytes } from './bytes';

const PDF_SLASH = 0x2f;

function isPdfSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
/** PDF delimiters and whitespace end a name token. */
function endsPdfName(c: number): boolean {
  return (
    isPdfSpace(c) ||
    c === 0x2f ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x25
  );
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
    const n =
      typeof pages === 'number' && Number.isFinite(pages) && pages >= 1 ? Math.ceil(pages) : estimatedPdfPages(bytes);
    return n * PDF_TOKENS_PER_PAGE;
  } catch {
    return PDF_TOKENS_PER_PAGE;
  }
}
