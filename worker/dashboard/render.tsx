import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { html } from 'hono/html';
import type { AppEnv } from '../app-types';
import { Page } from './components';
import { viewFor, type Need, type SignedInView, type View } from './view';

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

export function send(
  c: Context<AppEnv>,
  node: Child,
  status: 200 | 403 | 404 | 409 = 200,
): Response | Promise<Response> {
  c.header('content-security-policy', CSP);
  c.header('x-frame-options', 'DENY');
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'same-origin');
  c.header('cache-control', 'no-store');
  return c.html(html`<!doctype html>${node}`, status);
}

export type PublicPage = (c: Context<AppEnv>, v: View) => Promise<Child> | Child;
export type SignedInPage = (c: Context<AppEnv>, v: SignedInView) => Promise<Child> | Child;

/** Wraps a page: the role is checked on the server before anything is read; a signed-in page gets its session. */
export function page(
  need: 'public',
  title: (v: View) => string,
  body: PublicPage,
): (c: Context<AppEnv>) => Promise<Response>;
export function page(
  need: 'user' | 'admin',
  title: (v: View) => string,
  body: SignedInPage,
): (c: Context<AppEnv>) => Promise<Response>;
export function page(need: Need, title: (v: View) => string, body: PublicPage | SignedInPage) {
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
            <p class="sub">{v.t(gate.totp ? 'forbidden.totp' : 'forbidden.body')}</p>
            {gate.totp ? (
              <a class="btn btn-primary" href="/account" data-testid="forbidden-totp">
                {v.t('forbidden.toAccount')}
              </a>
            ) : null}
          </div>
        </Page>,
        403,
      );
    }
    const { v } = gate;
    const content = v.session
      ? await (body as SignedInPage)(c, { ...v, session: v.session })
      : await (body as PublicPage)(c, v);
    return send(
      c,
      <Page v={v} title={title(v)}>
        {content}
      </Page>,
    );
  };
}
