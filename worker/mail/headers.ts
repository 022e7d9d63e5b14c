/**
 * Every header of an outgoing mail is written here, whatever its value's source (a key's name from
 * an old row, an address, an operator setting): line breaks and other controls never reach the
 * header block, and non-ASCII text goes out as RFC 2047 encoded words.
 */

/** Controls (line breaks included, and the Unicode line separators) become one space. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
export const oneLine = (value: string) => value.replace(/[\x00-\x1f\x7f\u0085\u2028\u2029]+/g, ' ').trim();

const enc = new TextEncoder();
const MAX_WORD_BYTES = 18; // 18 bytes → at most 54 chars of Q text: a word stays under 75 chars.

function qWord(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const plain = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
    out += plain ? String.fromCharCode(b) : b === 32 ? '_' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `=?UTF-8?Q?${out}?=`;
}

/** One line of text as a header value: as is when ASCII, else encoded words folded onto lines of their own. */
export function headerText(value: string): string {
  const line = oneLine(value);
  if (!/[^\x20-\x7e]/.test(line)) return line;
  const words: string[] = [];
  let chunk: number[] = [];
  for (const ch of line) {
    const bytes = enc.encode(ch);
    if (chunk.length + bytes.length > MAX_WORD_BYTES) {
      words.push(qWord(Uint8Array.from(chunk)));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length) words.push(qWord(Uint8Array.from(chunk)));
  return words.join('\r\n ');
}

const ADDRESS = /^[^\s<>()[\],;:"\\@]+@[^\s<>()[\],;:"\\@]+$/;

/** A bare address fit for a header and an SMTP command; throws for anything else. */
export function checkedAddress(email: string): string {
  const trimmed = email.trim();
  if (!ADDRESS.test(trimmed) || /[^\x21-\x7e]/.test(trimmed))
    throw new Error('mail address refused: not a plain address');
  return trimmed;
}

/** `"Name" <addr>` with the name quoted (or encoded), or the bare address. */
export function mailbox(addr: { name?: string; email: string }): string {
  const email = checkedAddress(addr.email);
  const name = oneLine(addr.name ?? '');
  if (!name) return email;
  const shown = /[^\x20-\x7e]/.test(name) ? headerText(name) : `"${name.replace(/["\\]/g, '\\$&')}"`;
  return `${shown} <${email}>`;
}

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** Extra headers (Message-ID, List-Unsubscribe, ...): a name of letters, digits and dashes; the value on one line. */
export function extraHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new Error(`mail header refused: ${JSON.stringify(name)}`);
    out[name] = headerText(value);
  }
  return out;
}
