/** Sign-up, address confirmation and password reset pages (no login); the forms call worker/api/signup.ts. */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { verifySignup } from '../../api/signup';
import { verifyLink } from '../../mail/sign';
import { Field } from '../components';
import { send } from '../render';
import { TurnstileWidget, sendWithTurnstile } from '../turnstile';
import { buildView, type View } from '../view';
import { LinkCard, invalidLink } from './mail-links';

const tokenOf = (c: Context<AppEnv>) => c.req.query('t') ?? '';

/** The code of an invite link (`/signup?invite=...`), carried by the form. */
const inviteOf = (c: Context<AppEnv>) =>
  /^[A-Za-z0-9]{4,32}$/.test(c.req.query('invite') ?? '') ? (c.req.query('invite') ?? '') : '';

function SignupForm(props: { v: View; c: Context<AppEnv> }) {
  const invite = inviteOf(props.c);
  const { v } = props;
  return (
    <LinkCard v={v} title={v.t('signup.title')} testid="signup">
      <form
        data-api
        data-method="POST"
        data-path="/api/auth/register"
        data-then="message"
        data-ok={v.t('signup.sent')}
        data-testid="signup-form"
      >
        <p class="form-error" role="alert"></p>
        <Field label={v.t('login.username')}>
          <input name="username" autocomplete="username" required maxlength={64} />
        </Field>
        <Field label={v.t('notify.email')}>
          <input name="email" type="email" autocomplete="email" required maxlength={254} />
        </Field>
        <Field label={v.t('login.password')} hint={v.t('account.newHint')}>
          <input name="password" type="password" autocomplete="new-password" required minlength={8} maxlength={128} />
        </Field>
        {invite ? <input type="hidden" name="invite_code" value={invite} data-testid="signup-invite" /> : null}
        <TurnstileWidget c={props.c} />
        <button class="btn btn-primary btn-block" type="submit">
          {v.t('signup.submit')}
        </button>
      </form>
      <p class="small">
        <a href="/login">{v.t('login.title')}</a>
      </p>
    </LinkCard>
  );
}

export const signupPageRoutes = new Hono<AppEnv>();

signupPageRoutes.get('/signup', async (c) => {
  const v = await buildView(c, null);
  if (!v.options.signup.enabled) return c.redirect('/login', 303);
  return sendWithTurnstile(c, <SignupForm v={v} c={c} />);
});

signupPageRoutes.get('/forgot-password', async (c) => {
  const v = await buildView(c, null);
  return sendWithTurnstile(
    c,
    <LinkCard v={v} title={v.t('reset.title')} testid="forgot">
      <p>{v.t('reset.ask')}</p>
      <form
        data-api
        data-method="POST"
        data-path="/api/auth/password-reset"
        data-then="message"
        data-ok={v.t('reset.asked')}
        data-testid="forgot-form"
      >
        <p class="form-error" role="alert"></p>
        <Field label={v.t('notify.email')}>
          <input name="email" type="email" autocomplete="email" required maxlength={254} />
        </Field>
        <TurnstileWidget c={c} />
        <button class="btn btn-primary btn-block" type="submit">
          {v.t('reset.askSubmit')}
        </button>
      </form>
    </LinkCard>,
  );
});

signupPageRoutes.get('/reset-password', async (c) => {
  const v = await buildView(c, null);
  if (!(await verifyLink(c.env, tokenOf(c), 'reset'))) return invalidLink(c, v.t('reset.title'));
  return send(
    c,
    <LinkCard v={v} title={v.t('reset.title')} testid="reset">
      <form
        data-api
        data-method="POST"
        data-path="/api/auth/password-reset/confirm"
        data-then="message"
        data-ok={v.t('reset.done')}
        data-testid="reset-form"
      >
        <p class="form-error" role="alert"></p>
        <input type="hidden" name="token" value={tokenOf(c)} />
        <Field label={v.t('account.new')} hint={v.t('account.newHint')}>
          <input name="password" type="password" autocomplete="new-password" required minlength={8} maxlength={128} />
        </Field>
        <Field label={v.t('account.confirm')}>
          <input
            name="confirm_password"
            type="password"
            autocomplete="new-password"
            required
            data-match="password"
            data-exclude
          />
        </Field>
        <button class="btn btn-primary btn-block" type="submit">
          {v.t('reset.submit')}
        </button>
      </form>
      <p class="small">
        <a href="/login">{v.t('login.title')}</a>
      </p>
    </LinkCard>,
  );
});

signupPageRoutes.get('/mail/verify', async (c) => {
  const v = await buildView(c, null);
  if (!(await verifyLink(c.env, tokenOf(c), 'verify'))) return invalidLink(c, v.t('verify.title'));
  return send(
    c,
    <LinkCard v={v} title={v.t('verify.title')} testid="verify">
      <form method="post" action={`/mail/verify?t=${encodeURIComponent(tokenOf(c))}`}>
        <button class="btn btn-primary btn-block" type="submit" data-testid="verify-button">
          {v.t('verify.button')}
        </button>
      </form>
    </LinkCard>,
  );
});

signupPageRoutes.post('/mail/verify', async (c) => {
  const outcome = await verifySignup(c, tokenOf(c));
  const v = await buildView(c, null);
  if (!outcome.ok) return invalidLink(c, v.t('verify.title'));
  return send(
    c,
    <LinkCard v={v} title={v.t('verify.title')} testid="verify-done">
      <p class="notice">{v.t('verify.done')}</p>
      <a class="btn btn-primary btn-block" href="/login">
        {v.t('login.submit')}
      </a>
    </LinkCard>,
  );
});
