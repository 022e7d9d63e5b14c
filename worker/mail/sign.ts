/**
 * Signed links in mails: unsubscribe, disable a key, verify an address, reset a password. A link
 * is `base64url(payload).base64url(HMAC-SHA256)` under a key derived from JWT_SECRET for this use
 * only, so it cannot be made for another user, another key, or changed after it was sent.
 */
import { z } from 'zod';
import type { Env } from '../env';
import { settingsOf } from '../env';

export const UNSUB_KINDS = ['price', 'new_ip', 'low_balance'] as const;
export type UnsubKind = (typeof UNSUB_KINDS)[number];

const Payload = z.discriminatedUnion('p', [
  z.object({ p: z.literal('unsub'), u: z.number().int(), k: z.enum(UNSUB_KINDS) }),
  /** `v`: the key's last change when the link was made; disabling changes it, so the link works once. */
  z.object({ p: z.literal('disable'), u: z.number().int(), t: z.number().int(), v: z.number(), exp: z.number() }),
  z.object({ p: z.literal('verify'), u: z.number().int(), e: z.string(), exp: z.number() }),
  /** `v`: the password's change time when the link was made; a reset changes it, so the link works once. */
  z.object({ p: z.literal('reset'), u: z.number().int(), v: z.number(), exp: z.number() }),
]);
export type LinkPayload = z.infer<typeof Payload>;
export type LinkPurpose = LinkPayload['p'];

const enc = new TextEncoder();
const keys = new WeakMap<object, Promise<CryptoKey>>();

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array | null {
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function deriveKey(secret: string): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const derived = await crypto.subtle.sign('HMAC', master, enc.encode('llm-relay mail links v1'));
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function linkKey(env: Env): Promise<CryptoKey> {
  let key = keys.get(env);
  if (!key) {
    key = deriveKey(settingsOf(env).JWT_SECRET);
    keys.set(env, key);
  }
  return key;
}

export async function signLink(env: Env, payload: LinkPayload): Promise<string> {
  const body = b64url(enc.encode(JSON.stringify(payload)));
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await linkKey(env), enc.encode(body)));
  return `${body}.${b64url(sig)}`;
}

/** The payload of a genuine, unexpired link for `purpose`; null for anything else. */
export async function verifyLink<P extends LinkPurpose>(
  env: Env,
  token: string,
  purpose: P,
  now = Date.now(),
): Promise<Extract<LinkPayload, { p: P }> | null> {
  const [body, sigText, extra] = token.split('.');
  if (!body || !sigText || extra !== undefined) return null;
  const sig = fromB64url(sigText);
  const raw = fromB64url(body);
  if (!sig || !raw) return null;
  if (!(await crypto.subtle.verify('HMAC', await linkKey(env), sig, enc.encode(body)))) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return null;
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success || parsed.data.p !== purpose) return null;
  const payload = parsed.data as Extract<LinkPayload, { p: P }>;
  if ('exp' in payload && payload.exp <= now) return null;
  return payload;
}
