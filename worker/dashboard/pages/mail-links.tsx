/**
 * Pages the signed links in mails open, with no login. A GET only asks (mail scanners fetch every
 * link); the one click is a POST: unsubscribe (also RFC 8058's one-click POST from the mail client)
 * and disable a key (once: the link is bound to the key's last change).
 */
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../../app-types';
import { checkDisable, checkUnsubscribe, disableKeyByLink, unsubscribe, type DisableState } from '../../mail/actions';
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
  return send(
    c,
    <LinkCard v={v} title={title} testid="link-invalid">
      <p class="notice n-err" role="alert">
        {v.t('link.invalid')}
      </p>
    </LinkCard>,
    404,
  );
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
        <button class="btn btn-primary btn-block" type="submit">
          {v.t('unsub.button')}
        </button>
      </form>
    </LinkCard>,
  );
});

mailLinkRoutes.post('/mail/unsubscribe', async (c) => {
  const kind = await unsubscribe(c.env, tokenOf(c), new URL(c.req.url).origin);
  const v = await buildView(c, null);
  if (!kind) return invalidLink(c, v.t('unsub.title'));
  return send(
    c,
    <LinkCard v={v} title={v.t('unsub.title')} testid="unsub-done">
      <p class="notice">{v.t('unsub.done', { kind: kindText(v, kind) })}</p>
    </LinkCard>,
  );
});

async function disableAnswer(c: Context<AppEnv>, outcome: DisableState, acted: boolean) {
  const v = await buildView(c, null);
  if (outcome.state === 'invalid') return invalidLink(c, v.t('disable.title'));
  const title = v.t('disable.title');
  const name = outcome.name;
  if (outcome.state === 'stale') {
    const body = (
      <LinkCard v={v} title={title} testid="disable-stale">
        <p class="notice n-err" role="alert">
          {v.t('disable.stale', { name })}
        </p>
      </LinkCard>
    );
    return send(c, body, acted ? 409 : 200);
  }
  if (outcome.state === 'already' || acted) {
    const text = v.t(outcome.state === 'already' ? 'disable.already' : 'disable.done', { name });
    return send(
      c,
      <LinkCard v={v} title={title} testid="disable-done">
        <p class="notice">{text}</p>
      </LinkCard>,
    );
  }
  return send(
    c,
    <LinkCard v={v} title={title} testid="disable-confirm">
      <p>{v.t('disable.confirm', { name })}</p>
      <form method="post" action={`/mail/disable-key?t=${encodeURIComponent(tokenOf(c))}`}>
        <button class="btn btn-danger btn-block" type="submit">
          {v.t('disable.button')}
        </button>
      </form>
    </LinkCard>,
  );
}

mailLinkRoutes.get('/mail/disable-key', async (c) => disableAnswer(c, await checkDisable(c.env, tokenOf(c)), false));
mailLinkRoutes.post('/mail/disable-key', async (c) =>
  disableAnswer(c, await disableKeyByLink(c.env, tokenOf(c)), true),
);
