import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { html } from 'hono/html';
import type { AppEnv } from '../app-types';
import { Page } from './layout';
import { viewFor, type Need, type View } from './view';

/** Pages run only the site's own script and cannot be framed; nothing is cached. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export function send(c: Context<AppEnv>, node: Child, status: 200 | 403 | 404 = 200): Response | Promise<Response> {
  c.header('content-security-policy', CSP);
  c.header('x-frame-options', 'DENY');
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'same-origin');
  c.header('cache-control', 'no-store');
  return c.html(html`<!doctype html>${node}`, status);
}

export type PageHandler = (c: Context<AppEnv>, v: View) => Promise<Child> | Child;

/** Wraps a page: the role is checked on the server before anything is read. */
export function page(need: Need, title: (v: View) => string, body: PageHandler) {
  return async (c: Context<AppEnv>) => {
    const gate = await viewFor(c, need);
    if (gate.kind === 'login') {
      const here = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
    }
    if (gate.kind === 'forbidden') {
      const { v } = gate;
      return send(
        c,
        <Page v={v} title={v.t('forbidden.title')}>
          <div class="card empty" data-testid="forbidden">
            <h1>403 · {v.t('forbidden.title')}</h1>
            <p class="sub">{v.t('forbidden.body')}</p>
          </div>
        </Page>,
        403,
      );
    }
    const { v } = gate;
    const content = await body(c, v);
    return send(c, <Page v={v} title={title(v)}>{content}</Page>);
  };
}
