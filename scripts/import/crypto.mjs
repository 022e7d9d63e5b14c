// The Worker's own formats, rebuilt with Node's WebCrypto (see worker/lib/crypto.ts):
// SHA-256 hex for API keys and redemption codes, and `v1.<iv>.<ciphertext>` AES-256-GCM seals.
import { webcrypto } from 'node:crypto';

const subtle = webcrypto.subtle;
const encoder = new TextEncoder();

/** @param {string} text @returns {Promise<string>} */
export async function sha256Hex(text) {
  const digest = await subtle.digest('SHA-256', encoder.encode(text));
  return Buffer.from(digest).toString('hex');
}

/**
 * Seals like the Worker's seal(): AES-256-GCM, 12-byte random IV, base64 parts.
 * @param {string} plaintext
 * @param {string} base64Key
 * @returns {Promise<string>}
 */
export async function seal(plaintext, base64Key) {
  const raw = Buffer.from(base64Key.trim(), 'base64');
  if (raw.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  const key = await subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(plaintext));
  return `v1.${Buffer.from(iv).toString('base64')}.${Buffer.from(ct).toString('base64')}`;
}

/** @param {string} sealed @param {string} base64Key @returns {Promise<string>} */
export async function unseal(sealed, base64Key) {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new Error('unknown sealed format');
  const key = await subtle.importKey('raw', Buffer.from(base64Key.trim(), 'base64'), 'AES-GCM', false, ['decrypt']);
  const pt = await subtle.decrypt({ name: 'AES-GCM', iv: Buffer.from(iv, 'base64') }, key, Buffer.from(ct, 'base64'));
  return new TextDecoder().decode(pt);
}
