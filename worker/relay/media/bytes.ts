/**
 * Bounds-checked little/big-endian readers over a Uint8Array, shared by the media header parsers.
 * Out-of-range reads of a Uint8Array give undefined, so every reader is preceded by a length
 * check; `byteAt` keeps the arithmetic in numbers regardless.
 */

function byteAt(b: Uint8Array, o: number): number {
  return o >= 0 && o < b.length ? b[o] : 0;
}
export function u16be(b: Uint8Array, o: number): number {
  return byteAt(b, o) * 0x100 + byteAt(b, o + 1);
}
export function u16le(b: Uint8Array, o: number): number {
  return byteAt(b, o) + byteAt(b, o + 1) * 0x100;
}
export function u24le(b: Uint8Array, o: number): number {
  return byteAt(b, o) + byteAt(b, o + 1) * 0x100 + byteAt(b, o + 2) * 0x10000;
}
export function u32be(b: Uint8Array, o: number): number {
  return byteAt(b, o) * 0x1000000 + byteAt(b, o + 1) * 0x10000 + byteAt(b, o + 2) * 0x100 + byteAt(b, o + 3);
}
export function u32le(b: Uint8Array, o: number): number {
  return byteAt(b, o) + byteAt(b, o + 1) * 0x100 + byteAt(b, o + 2) * 0x10000 + byteAt(b, o + 3) * 0x1000000;
}
export function i32le(b: Uint8Array, o: number): number {
  const v = u32le(b, o);
  return v >= 0x80000000 ? v - 0x100000000 : v;
}
/** Whether the bytes at `o` are the ASCII text `s`. */
export function ascii(b: Uint8Array, o: number, s: string): boolean {
  if (o < 0 || o + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}
export function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}
