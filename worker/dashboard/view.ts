import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { readSession } from '../api/session';
import type { SessionUser } from '../auth/session-user';
import { loadOptions, type SiteOptions } from '../site/options';
import { adminTotpMissing } from '../security/admin-gate';
import { QUOTA_PER_USD } from '../billing/charge';
import { LANGS, translator, type Lang, type Translate } from './i18n';

export type Currency = 'USD' | 'CNY';

/** What every page needs to render: who is looking, in which language and currency. */
export interface View {
  lang: Lang;
  t: Translate;
  currency: Currency;
  /** Yuan per dollar, from the operator's settings. */
  rate: number;
  options: SiteOptions;
  session: SessionUser | null;
  url: URL;
  /** Formats quota units as money in the viewer's currency. */
  money: (units: number) => string;
  /** Formats a US-dollar amount in the viewer's currency. */
  usd: (dollars: number) => string;
}

/** The view of a page that needs a login: its session is there. */
export type SignedInView = View & { session: SessionUser };

const YEAR = 365 * 86_400;

function pickLang(c: Context<AppEnv>): Lang {
  const asked = c.req.query('lang');
  if (asked && (LANGS as readonly string[]).includes(asked)) {
    setCookie(c, 'lang', asked, { path: '/', sameSite: 'Lax', maxAge: YEAR });
    return asked as Lang;
  }
  const kept = getCookie(c, 'lang');
  if (kept && (LANGS as readonly string[]).includes(kept)) return kept as Lang;
  const accept = c.req.header('accept-language') ?? '';
  return /^\s*zh\b/i.test(accept) ? 'zh' : 'en';
}

function pickCurrency(c: Context<AppEnv>, fallback: Currency): Currency {
  const asked = c.req.query('currency')?.toUpperCase();
  if (asked === 'USD' || asked === 'CNY') {
    setCookie(c, 'currency', asked, { path: '/', sameSite: 'Lax', maxAge: YEAR });
    return asked;
  }
  const kept = getCookie(c, 'currency');
  return kept === 'USD' || kept === 'CNY' ? kept : fallback;
}

/**
 * Exact to the unit in dollars (one unit is $0.000002, so six decimals) below 1000, trailing zeros
 * trimmed to two; whole cents above.
 */
export function formatAmount(value: number): string {
  const abs = Math.abs(value);
  const text = abs < 1000 ? value.toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1') : value.toFixed(2);
  const [whole, frac] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

export function moneyFormatter(currency: Currency, rate: number) {
  const usd = (dollars: number) => {
    const amount = currency === 'CNY' ? dollars * rate : dollars;
    const sign = amount < 0 ? '-' : '';
    return `${sign}${currency === 'CNY' ? '¥' : '$'}${formatAmount(Math.abs(amount))}`;
  };
  return { usd, money: (units: number) => usd(units / QUOTA_PER_USD) };
}

export const formatInt = (n: number | null | undefined) => (n ?? 0).toLocaleString('en-US');

/** An ISO time as the server shows it; the page script turns it into the viewer's local time. */
export const formatTime = (ms: number | string) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

export async function buildView(c: Context<AppEnv>, session: SessionUser | null): Promise<View> {
  const options = await loadOptions(c.env);
  const lang = pickLang(c);
  const currency = pickCurrency(c, options.default_currency);
  const { usd, money } = moneyFormatter(currency, options.usd_to_cny);
  return {
    lang,
    t: translator(lang),
    currency,
    rate: options.usd_to_cny,
    options,
    session,
    url: new URL(c.req.url),
    money,
    usd,
  };
}

export type Need = 'public' | 'user' | 'admin';

export type Gate = { kind: 'ok'; v: View } | { kind: 'login' } | { kind: 'forbidden'; v: View; totp?: boolean };

/** The session a page needs, checked on the server: none, any logged-in user, or an operator. */
export async function viewFor(c: Context<AppEnv>, need: Need): Promise<Gate> {
  const session = await readSession(c);
  if (need !== 'public' && !session) return { kind: 'login' };
  const v = await buildView(c, session);
  if (need === 'admin' && session?.role !== 'admin') return { kind: 'forbidden', v };
  if (need === 'admin' && session && (await adminTotpMissing(c.env, session.id)))
    return { kind: 'forbidden', v, totp: true };
  return { kind: 'ok', v };
}

/** A link to the current page with one query parameter changed (used by the language and currency switches). */
export function withParam(url: URL, name: string, value: string): string {
  const next = new URLSearchParams(url.search);
  next.set(name, value);
  if (name !== 'cursor') next.delete('cursor');
  return `${url.pathname}?${next.toString()}`;
}

export function withoutParam(url: URL, name: string): string {
  const next = new URLSearchParams(url.search);
  next.delete(name);
  const qs = next.toString();
  return qs ? `${url.pathname}?${qs}` : url.pathname;
}

/** Only same-site paths are followed after login. */
export function safeNext(next: string | undefined | null): string {
  // Browsers drop tabs and newlines from URLs and read a backslash as a slash, so "/\t/evil" is
  // "//evil", another site. Only a plain path of this site, resolved as the browser would, passes.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (!next || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  const base = 'http://this.site';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
