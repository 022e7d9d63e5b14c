// PDF page counts and document estimates at their edges (written against surviving mutants).
import { describe, expect, it } from 'vitest';
import { PDF_TOKENS_PER_PAGE, documentTokens, estimatedPdfPages, pdfPageCount } from '../../worker/relay/media-tokens';

const pdf = (s: string) => new TextEncoder().encode(s);
const pages = (s: string) => pdfPageCount(pdf(s));

describe('pdfPageCount: names', () => {
  it('ends a name at every PDF delimiter and whitespace, and at 64 characters', () => {
    for (const end of [' ', '\n', '\r', '\t', '\f', '\0', '/', '(', ')', '<', '>', '[', ']', '{', '}', '%']) {
      expect(pages(`1 0 obj <</Type/Page${end}>> endobj`), JSON.stringify(end)).toBe(1);
    }
    expect(pages('1 0 obj <</Type/Page!>> endobj')).toBeNull();
    expect(pages('1 0 obj <</Type/PageX>> endobj')).toBeNull();
    expect(pages('1 0 obj <</Type/Pag>> endobj')).toBeNull();
    expect(pages(`1 0 obj <</Type/Pages/Count 5/${'x'.repeat(64)}Count 9>> endobj`)).toBe(5);
  });
  it('takes whitespace between /Type and its value, and needs the value to be a name', () => {
    expect(pages('1 0 obj <</Type \n\t /Page>> endobj 2 0 obj <</Type\0/Page>> endobj')).toBe(2);
    expect(pages('1 0 obj <</Type (Page)>> endobj')).toBeNull();
    expect(pages('1 0 obj <</Type')).toBeNull();
    expect(pages('/Type /Page')).toBe(1);
  });
});

describe('pdfPageCount: counts', () => {
  it('a /Count belongs to a Pages node in the same object only, and the largest wins', () => {
    expect(pages('1 0 obj <</Type /Pages /Count 7>> endobj')).toBe(7);
    expect(pages('1 0 obj <</Count 7 /Type /Pages>> endobj')).toBe(7);
    expect(pages('1 0 obj <</Type /Pages /Count 3>> endobj 2 0 obj <</Count 9>> endobj')).toBe(3);
    expect(
      pages(
        '1 0 obj <</Type /Pages /Count 3>> endobj 2 0 obj <</Type /Pages /Count 12>> endobj 3 0 obj <</Type /Pages /Count 4>> endobj',
      ),
    ).toBe(12);
    expect(pages('1 0 obj <</Count 9>> endobj 2 0 obj <</Type /Pages>> endobj')).toBeNull();
  });
  it('reads only direct integers of up to nine digits', () => {
    expect(pages('<</Type /Pages /Count  \n 42>>')).toBe(42);
    expect(pages('<</Type /Pages /Count 999999999>>')).toBe(999_999_999);
    expect(pages('<</Type /Pages /Count 1000000000>>')).toBeNull();
    expect(pages('<</Type /Pages /Count 12 0 R>>')).toBeNull();
    expect(pages('<</Type /Pages /Count 12 0 \n R>>')).toBeNull();
    expect(pages('<</Type /Pages /Count 12 0 obj>>')).toBe(12);
    expect(pages('<</Type /Pages /Count 12 0')).toBe(12);
    expect(pages('<</Type /Pages /Count 12 R>>')).toBe(12);
    expect(pages('<</Type /Pages /Count x>>')).toBeNull();
    expect(pages('<</Type /Pages /Count')).toBeNull();
    expect(pages('<</Type /Pages /Count 0>>')).toBeNull();
  });
  it('/N counts only inside the /Linearized dictionary', () => {
    expect(pages('1 0 obj <</Linearized 1 /N 30>> endobj')).toBe(30);
    expect(pages('1 0 obj <</N 30 /Linearized 1>> endobj')).toBe(30);
    expect(pages('1 0 obj <</Linearized 1>> endobj 2 0 obj <</N 30>> endobj')).toBeNull();
    expect(pages('1 0 obj <</Linearized 1 /N 30>> endobj 2 0 obj <</Type /Pages /Count 31>> endobj /Type /Page')).toBe(
      31,
    );
    expect(pages('1 0 obj <</Linearized 1 /N 30>> endobj /Type /Page /Type /Page')).toBe(30);
    expect(pages('1 0 obj <</Linearized 1 /N 3>> endobj 2 0 obj <</Linearized 1 /N 2>> endobj')).toBe(3);
  });
  it('nothing to read is null', () => {
    expect(pdfPageCount(new Uint8Array(0))).toBeNull();
    expect(pdfPageCount('/Type /Page' as unknown as Uint8Array)).toBeNull();
    expect(pages('no names at all')).toBeNull();
  });
});

describe('document estimates', () => {
  it('one page per 50,000 bytes, at least one, for a count that is unknown or not a page count', () => {
    expect(estimatedPdfPages(50_000)).toBe(1);
    expect(estimatedPdfPages(50_001)).toBe(2);
    for (const n of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '9' as unknown as number])
      expect(estimatedPdfPages(n)).toBe(1);
    expect(documentTokens({ pages: 2.5, bytes: 0 })).toBe(3 * PDF_TOKENS_PER_PAGE);
    expect(documentTokens({ pages: 1, bytes: 10_000_000 })).toBe(PDF_TOKENS_PER_PAGE);
    for (const bad of [0, 0.5, -3, Number.NaN, Number.POSITIVE_INFINITY, null])
      expect(documentTokens({ pages: bad, bytes: 120_000 })).toBe(3 * PDF_TOKENS_PER_PAGE);
    expect(documentTokens(null as unknown as { pages: null; bytes: number })).toBe(PDF_TOKENS_PER_PAGE);
    expect(documentTokens('x' as unknown as { pages: null; bytes: number })).toBe(PDF_TOKENS_PER_PAGE);
  });
});
