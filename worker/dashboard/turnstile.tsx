/**
 * The Turnstile widget for the login, sign-up and reset pages, when TURNSTILE_SITE_KEY and
 * TURNSTILE_SECRET are set (worker/security/turnstile.ts). Cloudflare's script renders it and puts
 * its token in the form as `turnstile_token`; those pages' CSP lets that script and its frame in.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../app-types';
import { CSP, send } from './render';
import { TURNSTILE_FIELD, TURNSTILE_ORIGIN, TURNSTILE_SCRIPT, turnstileOf } from '../security/turnstile';

export function TurnstileWidget(props: { c: Context<AppEnv> }) {
  const cfg = turnstileOf(props.c.env);
  if (!cfg) return null;
  return (
    <>
      <div
        class="cf-turnstile"
        data-sitekey={cfg.siteKey}
        data-response-field-name={TURNSTILE_FIELD}
        data-testid="turnstile"
        style="margin:8px 0 14px"
      ></div>
      <script src={TURNSTILE_SCRIPT} async defer></script>
    </>
  );
}

const TURNSTILE_CSP =
  CSP.replace("script-src 'self'", `script-src 'self' ${TURNSTILE_ORIGIN}`) + `; frame-src ${TURNSTILE_ORIGIN}`;

/** `send`, with the CSP widened for Cloudflare's widget when Turnstile is on. */
export async function sendWithTurnstile(c: Context<AppEnv>, node: Child): Promise<Response> {
  const res = await send(c, node);
  if (turnstileOf(c.env)) res.headers.set('content-security-policy', TURNSTILE_CSP);
  return res;
}
