/**
 * Order numbers a customer can read aloud to support: Crockford's base32 (no I, L, O or U, so
 * nothing is mistaken for 1 or 0), in groups of four, 60 random bits: unique in practice and
 * unguessable. The database's unique index has the last word.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newOrderNo(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const chars = [...bytes].map((b) => ALPHABET[b & 31]);
  return `TP-${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`;
}

/**
 * What a customer typed or read aloud, read the forgiving way: any case, spaces or dashes or
 * none, and the look-alike letters I, L (for 1) and O (for 0). Anything else is left as typed.
 */
export function normalizeOrderNo(text: string): string {
  const compact = text.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = compact.startsWith('TP') ? compact.slice(2) : compact;
  if (body.length !== 12) return text.trim().toUpperCase();
  const digits = body.replace(/[IL]/g, '1').replace(/O/g, '0');
  return `TP-${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}`;
}
