import type { Child } from 'hono/jsx';
import type { View } from './view';
import { withParam } from './view';
import type { MessageKey } from './i18n';
import type { ClientConfig, ClientStrings } from './client/shared';

/** Strings the page script needs, in the page's language. */
function clientStrings(v: View): ClientStrings {
  const { t } = v;
  return {
    copied: t('keys.copied'),
    testing: t('channels.testing'),
    testOk: t('channels.testOk'),
    testFail: t('channels.testFail'),
    saved: t('common.saved'),
    done: t('common.done'),
    mismatch: t('account.mismatch'),
    perCall: t('client.perCall'),
    badNumber: t('client.badNumber'),
    badJson: t('client.badJson'),
    badDate: t('client.badDate'),
  };
}

function Head(props: { v: View; title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>{`${props.title} · ${props.v.options.site_name}`}</title>
      <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/assets/app.css" />
      <script src="/assets/app.js" defer></script>
    </head>
  );
}

function Switches(props: { v: View }) {
  const { v } = props;
  return (
    <>
      <nav class="switch" aria-label={v.t('nav.language')}>
        <a href={withParam(v.url, 'lang', 'en')} class={v.lang === 'en' ? 'on' : ''} data-lang="en">
          EN
        </a>
        <a href={withParam(v.url, 'lang', 'zh')} class={v.lang === 'zh' ? 'on' : ''} data-lang="zh">
          中文
        </a>
      </nav>
      <nav class="switch" aria-label={v.t('nav.currency')}>
        <a href={withParam(v.url, 'currency', 'USD')} class={v.currency === 'USD' ? 'on' : ''} data-currency="USD">
          USD
        </a>
        <a href={withParam(v.url, 'currency', 'CNY')} class={v.currency === 'CNY' ? 'on' : ''} data-currency="CNY">
          CNY
        </a>
      </nav>
    </>
  );
}

const CUSTOMER_NAV: [string, MessageKey][] = [
  ['/', 'nav.overview'],
  ['/keys', 'nav.keys'],
  ['/logs', 'nav.logs'],
  ['/pricing', 'nav.pricing'],
  ['/topup', 'nav.topup'],
  ['/plans', 'nav.plans'],
  ['/referrals', 'nav.referrals'],
  ['/account', 'nav.account'],
  ['/notifications', 'nav.notifications'],
];

const OPERATOR_NAV: [string, MessageKey][] = [
  ['/admin/channels', 'nav.channels'],
  ['/admin/users', 'nav.users'],
  ['/admin/pricing', 'nav.pricingEditor'],
  ['/admin/orders', 'nav.orders'],
  ['/admin/codes', 'nav.codes'],
  ['/admin/plans', 'nav.adminPlans'],
  ['/admin/withdrawals', 'nav.withdrawals'],
  ['/admin/logs', 'nav.allLogs'],
  ['/admin/notices', 'nav.notices'],
  ['/admin/maintenance', 'nav.maintenance'],
  ['/admin/settings', 'nav.settings'],
  ['/admin/audit', 'nav.audit'],
];

function TopBar(props: { v: View }) {
  const { v } = props;
  const path = v.url.pathname;
  const s = v.session;
  return (
    <header>
      <div class="topbar">
        <div class="inner">
          <a class="brand" href="/">
            <span class="logo" />
            {v.options.site_name}
          </a>
          <nav class="nav">
            {s ? (
              CUSTOMER_NAV.map(([href, key]) => (
                <a href={href} class={path === href ? 'active' : ''}>
                  {v.t(key)}
                </a>
              ))
            ) : (
              <a href="/pricing" class={path === '/pricing' ? 'active' : ''}>
                {v.t('nav.pricing')}
              </a>
            )}
          </nav>
          <div class="tools">
            <Switches v={v} />
            {s ? (
              <>
                <span class="who" data-testid="whoami">
                  {s.username}
                  {s.role === 'admin' ? <span class="badge b-violet">{v.t('account.role.admin')}</span> : null}
                </span>
                <form method="post" action="/logout">
                  <button class="linkbtn" type="submit">
                    {v.t('nav.logout')}
                  </button>
                </form>
              </>
            ) : (
              <a class="linkbtn" href="/login">
                {v.t('nav.login')}
              </a>
            )}
          </div>
        </div>
      </div>
      {s?.role === 'admin' ? (
        <div class="subnav">
          <div class="inner">
            <span class="label">{v.t('nav.operator')}</span>
            {OPERATOR_NAV.map(([href, key]) => (
              <a href={href} class={path === href ? 'active' : ''}>
                {v.t(key)}
              </a>
            ))}
          </div>
        </div>
      ) : null}
    </header>
  );
}

function bodyData(v: View) {
  return {
    'data-cfg': JSON.stringify({ lang: v.lang, currency: v.currency, rate: v.rate } satisfies ClientConfig),
    'data-str': JSON.stringify(clientStrings(v)),
  };
}

export function Page(props: { v: View; title: string; children: Child }) {
  const { v } = props;
  return (
    <html lang={v.lang === 'zh' ? 'zh-CN' : 'en'}>
      <Head v={v} title={props.title} />
      <body {...bodyData(v)}>
        <TopBar v={v} />
        <main>{props.children}</main>
        <footer>
          {v.options.site_name} · <a href="/api/docs">{v.t('nav.apiDocs')}</a>
        </footer>
      </body>
    </html>
  );
}

/** A page without the navigation: the login form. */
export function Bare(props: { v: View; title: string; children: Child }) {
  const { v } = props;
  return (
    <html lang={v.lang === 'zh' ? 'zh-CN' : 'en'}>
      <Head v={v} title={props.title} />
      <body {...bodyData(v)}>
        <div class="login-wrap">
          {props.children}
          <div class="login-foot">
            <a href="/pricing">{v.t('login.pricing')}</a>
            <span class="actions">
              <Switches v={v} />
            </span>
          </div>
        </div>
      </body>
    </html>
  );
}

export function PageHead(props: { title: string; sub?: Child; children?: Child }) {
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.sub ? <p class="sub">{props.sub}</p> : null}
      </div>
      {props.children ? <div class="actions">{props.children}</div> : null}
    </div>
  );
}

export function Card(props: {
  title?: Child;
  hint?: Child;
  flush?: boolean;
  class?: string;
  id?: string;
  children: Child;
  actions?: Child;
}) {
  return (
    <section class={`card${props.flush ? ' flush' : ''}${props.class ? ` ${props.class}` : ''}`} id={props.id}>
      {props.title || props.actions ? (
        <div class="card-head">
          <div>
            {props.title ? <h2>{props.title}</h2> : null}
            {props.hint ? <div class="hint">{props.hint}</div> : null}
          </div>
          {props.actions ?? null}
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

export function Stat(props: { label: string; value: string; hint?: string; testid?: string }) {
  return (
    <section class="card stat" data-testid={props.testid}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.hint ? <div class="hint">{props.hint}</div> : null}
    </section>
  );
}

export function Badge(props: {
  tone: 'green' | 'gray' | 'red' | 'amber' | 'blue' | 'violet';
  children: Child;
  title?: string;
}) {
  return (
    <span class={`badge b-${props.tone}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function StatusBadge(props: {
  v: View;
  status: 'enabled' | 'disabled' | 'expired' | 'auto_disabled';
  title?: string | null;
}) {
  const tone =
    props.status === 'enabled'
      ? 'green'
      : props.status === 'disabled'
        ? 'gray'
        : props.status === 'expired'
          ? 'amber'
          : 'red';
  return (
    <Badge tone={tone} title={props.title ?? undefined}>
      {props.v.t(`status.${props.status}` as const)}
    </Badge>
  );
}

export function Time(props: { ms: number | string | null; dateOnly?: boolean; empty?: string }) {
  if (props.ms === null) return <span class="muted">{props.empty ?? '—'}</span>;
  const iso = new Date(props.ms).toISOString();
  const text = `${iso.replace('T', ' ').slice(0, props.dateOnly ? 10 : 19)}${props.dateOnly ? '' : ' UTC'}`;
  return props.dateOnly ? (
    <time datetime={iso} data-date>
      {text}
    </time>
  ) : (
    <time datetime={iso} class="nowrap">
      {text}
    </time>
  );
}

export function Empty(props: { children: Child }) {
  return <div class="empty">{props.children}</div>;
}

/** A table in its scrolling wrapper, or the page's "nothing yet" note when it has no rows. */
export function DataTable(props: {
  v: View;
  rows: number;
  head: Child;
  testid?: string;
  empty?: Child;
  children: Child;
}) {
  if (props.rows === 0) return <Empty>{props.empty ?? props.v.t('common.empty')}</Empty>;
  return (
    <div class="table-wrap">
      <table data-testid={props.testid}>
        <thead>{props.head}</thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A modal whose form posts JSON to the API; the opener sets the method, path, mode and values. */
export function FormDialog(props: {
  id: string;
  v: View;
  title: Child;
  method: string;
  path: string;
  mode?: 'create' | 'edit';
  then?: 'reload' | 'showkey' | 'message' | 'showcodes';
  ok?: string;
  submit?: string;
  children: Child;
}) {
  const { v } = props;
  return (
    <dialog id={props.id}>
      <form
        data-api
        data-method={props.method}
        data-path={props.path}
        data-mode={props.mode}
        data-then={props.then ?? 'reload'}
        data-ok={props.ok}
      >
        <div class="modal-head" data-slot="title">
          {props.title}
        </div>
        <div class="modal-body">
          <p class="form-error" role="alert"></p>
          {props.children}
        </div>
        <div class="modal-foot">
          <button type="button" class="btn" data-close>
            {v.t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary">
            {props.submit ?? v.t('common.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function Field(props: { label: string; hint?: string; children: Child; class?: string }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the field's child, which the rule cannot see
    <label class={`field${props.class ? ` ${props.class}` : ''}`}>
      <span>{props.label}</span>
      {props.children}
      {props.hint ? <small>{props.hint}</small> : null}
    </label>
  );
}
