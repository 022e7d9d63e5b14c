import bcrypt from 'bcryptjs';

const encoder = new TextEncoder();

/** workerd refuses PBKDF2 above this many iterations. */
export const PBKDF2_ITERATIONS = 100_000;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` letters or digits, uniformly drawn with rejection sampling (no modulo bias). */
export function randomAlphanumeric(n: number): string {
  let out = '';
  while (out.length < n) {
    const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < n) out += ALPHANUM[b % 62];
    }
  }
  return out;
}

export function newApiKey(): string {
  return `sk-${randomAlphanumeric(48)}`;
}

/** `pbkdf2$<iterations>$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** A bcrypt hash carried over from one-api or new-api (`$2a$`, `$2b$` or `$2y$`). */
export const isBcryptHash = (stored: string): boolean => /^\$2[aby]\$\d\d\$/.test(stored);

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isBcryptHash(stored)) return bcrypt.compare(password, stored);
  const [scheme, iter, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'pbkdf2' || !iter || !saltB64 || !hashB64) return false;
  const expected = fromBase64(hashB64);
  const actual = await pbkdf2(password, fromBase64(saltB64), Number(iter));
  return timingSafeEqual(actual, expected);
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function aesKey(base64Key: string): Promise<CryptoKey> {
  let key = keyCache.get(base64Key);
  if (!key) {
    if (keyCache.size > 4) keyCache.clear();
    key = crypto.subtle.importKey('raw', fromBase64(base64Key.trim()), 'AES-GCM', false, ['encrypt', 'decrypt']);
    keyCache.set(base64Key, key);
  }
  return key;
}

/** AES-256-GCM: `v1.<iv b64>.<ciphertext b64>`. */
export async function seal(plaintext: string, base64Key: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(base64Key), encoder.encode(plaintext));
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(ct))}`;
}

export async function unseal(sealed: string, base64Key: string): Promise<string> {
  const [version, ivB64, ctB64] = sealed.split('.');
  if (version !== 'v1' || !ivB64 || !ctB64) throw new Error('unknown sealed format');
  const pt = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(ivB64) },
    await aesKey(base64Key),
    fromBase64(ctB64),
  );
  return new TextDecoder().decode(pt);
}
