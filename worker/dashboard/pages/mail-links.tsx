/**
 * Pages the signed links in mails open, with no login: unsubscribe (RFC 8058: GET asks, POST, also
 * the mail client's one-click, unsubscribes) and disable a key (at once, from the link).
 */
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../../app-types';
import { checkUnsubscribe, disableKeyByLink, unsubscribe } from '../../mail/actions';
import type { UnsubKind } from '../../mail/sign';
import { Bare } from '../components';
import { send } from '../render';
import { buildView, type View } from '../view';

const tokenOf = (c: Context<AppEnv>) => c.req.query('t') ?? '';

export function LinkCard(props: { v: View; title: string; testid: string; children: Child }) {
  return (
    <Bare v={props.v} title={props.title}>
      <div class="card login-card" data-testid={props.testid}>
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </Bare>
  );
}

export async function invalidLink(c: Context<AppEnv>, title: string) {
  const v = await buildView(c, null);
  return send(c, <LinkCard v={v} title={title} testid="link-invalid"><p class="notice n-err" role="alert">{v.t('link.invalid')}</p></LinkCard>, 404);
}

const kindText = (v: View, kind: UnsubKind) => v.t(`unsub.kind.${kind}`);

export const mailLinkRoutes = new Hono<AppEnv>();

mailLinkRoutes.get('/mail/unsubscribe', async (c) => {
  const kind = await checkUnsubscribe(c.env, tokenOf(c));
  const v = await buildView(c, null);
  if (!kind) return invalidLink(c, v.t('unsub.title'));
  return send(
    c,
    <LinkCard v={v} title={v.t('unsub.title')} testid="unsub-confirm">
      <p>{v.t('unsub.confirm', { kind: kindText(v, kind) })}</p>
      <form method="post" action={`/mail/unsubscribe?t=${encodeURIComponent(tokenOf(c))}`}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button class="btn btn-primary btn-block" type="submit">{v.t('unsub.button')}</button>
      </form>
    </LinkCard>,
  );
});

mailLinkRoutes.post('/mail/unsubscribe', async (c) => {
  const kind = await unsubscribe(c.env, tokenOf(c), new URL(c.req.url).origin);
  const v = await buildView(c, null);
  if (!kind) return invalidLink(c, v.t('unsub.title'));
  return send(c, <LinkCard v={v} title={v.t('unsub.title')} testid="unsub-done"><p class="notice">{v.t('unsub.done', { kind: kindText(v, kind) })}</p></LinkCard>);
});

const disable = async (c: Context<AppEnv>) => {
  const outcome = await disableKeyByLink(c.env, tokenOf(c));
  const v = await buildView(c, null);
  if (!outcome.ok) return invalidLink(c, v.t('disable.title'));
  const text = v.t(outcome.already ? 'disable.already' : 'disable.done', { name: outcome.name });
  return send(c, <LinkCard v={v} title={v.t('disable.title')} testid="disable-done"><p class="notice">{text}</p></LinkCard>);
};

mailLinkRoutes.get('/mail/disable-key', disable);
mailLinkRoutes.post('/mail/disable-key', disable);
