/** Base64 payloads measured and header-decoded without decoding the whole string. */

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
    const limit =
      maxBytes === Infinity ? Infinity : Number.isFinite(maxBytes) && maxBytes > 0 ? Math.floor(maxBytes) : 0;
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
    const re = /[^A-Za-z0-9+/_-]/g;
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
