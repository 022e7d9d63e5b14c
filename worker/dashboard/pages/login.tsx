import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../../app-types';
import { ApiError } from '../../lib/errors';
import { authRoutes, endSession } from '../../api/auth';
import { SESSION_COOKIE, readSession } from '../../api/session';
import { Bare, Field } from '../components';
import { buildView, safeNext, type View } from '../view';
import { settingsOf } from '../../env';
import type { Child } from 'hono/jsx';
import { TurnstileWidget, sendWithTurnstile } from '../turnstile';
import { loginExtras, loginRefusal } from './login-extras';

/** The API's own login handler, reached in-process, so the dashboard form logs in exactly as the API does. */
const loginApi = new Hono<AppEnv>();
loginApi.route('/', authRoutes);
loginApi.onError((err) =>
  err instanceof ApiError ? err.toResponse() : new Response('internal error', { status: 500 }),
);

/** A form post must come from this site: a cross-site page cannot log a visitor in or out. */
function fromThisSite(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  return !origin || origin === new URL(c.req.url).origin;
}

const ERRORS = {
  failed: 'login.failed',
  locked: 'login.locked',
  origin: 'login.badOrigin',
  unverified: 'login.unverified',
  totp: 'login.totpNeeded',
  captcha: 'login.captcha',
} as const;

export function LoginForm(props: { v: View; next: string; error?: string; canReset?: boolean; captcha?: Child }) {
  const { v } = props;
  const error = props.error && props.error in ERRORS ? ERRORS[props.error as keyof typeof ERRORS] : null;
  return (
    <Bare v={v} title={v.t('login.title')}>
      <form method="post" action="/login" class="card login-card" data-testid="login-form">
        <div class="login-brand">
          <span class="logo" />
          {v.options.site_name}
        </div>
        <h1>{v.t('login.title')}</h1>
        <p class="sub" style="margin-bottom:18px">
          {v.t('login.subtitle')}
        </p>
        {error ? (
          <div class="notice n-err" role="alert">
            {v.t(error)}
          </div>
        ) : null}
        <input type="hidden" name="next" value={props.next} />
        <Field label={v.t('login.username')}>
          <input name="username" autocomplete="username" required maxlength={64} autofocus />
        </Field>
        <Field label={v.t('login.password')}>
          <input name="password" type="password" autocomplete="current-password" required maxlength={256} />
        </Field>
        <Field label={v.t('login.totp')} hint={v.t('login.totpHint')}>
          <input
            name="totp"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]{6}"
            maxlength={6}
            data-testid="login-totp"
            autofocus={props.error === 'totp'}
          />
        </Field>
        {props.captcha}
        <button class="btn btn-primary btn-block" type="submit">
          {v.t('login.submit')}
        </button>
        <p class="small actions" style="justify-content:space-between;margin-top:12px">
          {v.options.signup.enabled ? (
            <a href="/signup" data-testid="login-signup">
              {v.t('login.signup')}
            </a>
          ) : null}
          {props.canReset ? (
            <a href="/forgot-password" data-testid="login-forgot">
              {v.t('login.forgot')}
            </a>
          ) : null}
        </p>
      </form>
    </Bare>
  );
}

export async function renderLogin(c: Context<AppEnv>) {
  const v = await buildView(c, null);
  return sendWithTurnstile(
    c,
    <LoginForm
      v={v}
      next={safeNext(c.req.query('next'))}
      error={c.req.query('error')}
      canReset={!!settingsOf(c.env).SMTP_URL}
      captcha={<TurnstileWidget c={c} />}
    />,
  );
}

export const loginRoutes = new Hono<AppEnv>();

loginRoutes.get('/login', async (c) => {
  if (await readSession(c)) return c.redirect(safeNext(c.req.query('next')), 303);
  return renderLogin(c);
});

loginRoutes.post('/login', async (c) => {
  const form = await c.req.parseBody();
  const next = safeNext(typeof form.next === 'string' ? form.next : '/');
  const back = (error: string) => c.redirect(`/login?error=${error}&next=${encodeURIComponent(next)}`, 303);
  if (!fromThisSite(c)) return back('origin');
  const username = typeof form.username === 'string' ? form.username : '';
  const password = typeof form.password === 'string' ? form.password : '';
  if (!username || !password) return back('failed');
  const extra = loginExtras(form);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const ip = c.req.header('cf-connecting-ip');
  if (ip) headers['cf-connecting-ip'] = ip;
  const res = await loginApi.request(
    new URL('/api/auth/login', c.req.url).toString(),
    { method: 'POST', headers, body: JSON.stringify({ username, password, ...extra }) },
    c.env,
    c.executionCtx,
  );
  if (res.status === 429) return back('locked');
  if (res.status === 403 && (await res.clone().text()).includes('email_unverified')) return back('unverified');
  const refused = await loginRefusal(res);
  if (refused) return back(refused);
  if (!res.ok) return back('failed');
  const redirect = c.redirect(next, 303);
  for (const cookie of res.headers.getSetCookie()) redirect.headers.append('set-cookie', cookie);
  return redirect;
});

loginRoutes.post('/logout', async (c) => {
  if (!fromThisSite(c)) return c.text('forbidden', 403);
  await endSession(c);
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
    httpOnly: true,
    sameSite: 'Strict',
  });
  return c.redirect('/login', 303);
});
