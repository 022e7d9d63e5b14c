/**
 * The base of links in mails. PUBLIC_BASE_URL when set; without it only a local relay (npm start,
 * reached on localhost) uses the request's own origin: elsewhere the Host header is the caller's
 * to forge, and a reset link built on it would carry the token to the forger's site.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { settingsOf } from '../env';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function linkBaseOf(publicBase: string | undefined, requestUrl: string): string | null {
  if (publicBase) return publicBase.replace(/\/+$/, '');
  const url = new URL(requestUrl);
  return LOCAL_HOSTS.has(url.hostname) ? url.origin : null;
}

/** The base to put on a queued mail message for this request (null: PUBLIC_BASE_URL or nothing). */
export const requestLinkBase = (c: Context<AppEnv>): string | null =>
  linkBaseOf(settingsOf(c.env).PUBLIC_BASE_URL, c.req.url);
