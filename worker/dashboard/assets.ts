import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { CSS } from './assets/style';
import { CLIENT_JS as MAIN_JS } from './assets/client';
import { TOPUP_JS } from './assets/topup-client';

/** One script for every page: the main part, then the top-up pages' part that builds on it. */
const CLIENT_JS = `${MAIN_JS}\n${TOPUP_JS}`;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#6366f1"/><stop offset="1" stop-color="#0ea5e9"/></linearGradient></defs><rect width="32" height="32" rx="8" fill="url(#g)"/><path d="M9 21l5-10 4 7 2-3 3 6" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** FNV-1a of the assets: a new version whenever their text changes, so they can be cached long. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}

export const ASSET_VERSION = fnv(CSS + CLIENT_JS + FAVICON);

const serve = (body: string, type: string) => () =>
  new Response(body, {
    headers: {
      'content-type': type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    },
  });

export const assetRoutes = new Hono<AppEnv>()
  .get('/assets/app.css', serve(CSS, 'text/css; charset=utf-8'))
  .get('/assets/app.js', serve(CLIENT_JS, 'text/javascript; charset=utf-8'))
  .get('/assets/favicon.svg', serve(FAVICON, 'image/svg+xml'))
  .get('/favicon.ico', serve(FAVICON, 'image/svg+xml'));
