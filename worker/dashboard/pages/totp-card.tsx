/** The account page's two-factor card: set up (QR code drawn by the page script), turn on, turn off. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { dbOf } from '../../db/client';
import { totpEnabled } from '../../db/totp';
import { Card, Field } from '../components';
import type { SignedInView, View } from '../view';

function CodeField(props: { v: View }) {
  return (
    <Field label={props.v.t('totp.code')}>
      <input
        name="code"
        required
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        maxlength={6}
        data-testid="totp-code"
      />
    </Field>
  );
}

export async function TotpCard(props: { c: Context<AppEnv>; v: SignedInView }) {
  const { v } = props;
  const on = await totpEnabled(dbOf(props.c.env.DB), v.session.id);
  if (on) {
    return (
      <Card title={v.t('totp.title')}>
        <p data-testid="totp-state" data-on="1">
          {v.t('totp.on')}
        </p>
        <form
          data-api
          data-method="POST"
          data-path="/api/auth/totp/disable"
          data-ok={v.t('totp.disabled')}
          data-testid="totp-disable-form"
        >
          <p class="form-error" role="alert"></p>
          <CodeField v={v} />
          <button class="btn" type="submit">
            {v.t('totp.disable')}
          </button>
        </form>
      </Card>
    );
  }
  return (
    <Card title={v.t('totp.title')}>
      <p data-testid="totp-state" data-on="0">
        {v.t('totp.off')}
      </p>
      <form
        data-api
        data-method="POST"
        data-path="/api/auth/totp/setup"
        data-then="totpsetup"
        data-testid="totp-setup-form"
      >
        <p class="form-error" role="alert"></p>
        <button class="btn" type="submit" data-testid="totp-setup">
          {v.t('totp.setup')}
        </button>
      </form>
      <div id="totp-setup" hidden>
        <p class="hint">{v.t('totp.scan')}</p>
        <div data-totp-qr data-testid="totp-qr" style="width:200px;max-width:100%"></div>
        <p class="small">
          {v.t('totp.secret')}: <code data-totp-secret data-testid="totp-secret"></code>
        </p>
        <form
          data-api
          data-method="POST"
          data-path="/api/auth/totp/enable"
          data-ok={v.t('totp.enabled')}
          data-testid="totp-enable-form"
        >
          <p class="form-error" role="alert"></p>
          <CodeField v={v} />
          <button class="btn btn-primary" type="submit" data-testid="totp-enable">
            {v.t('totp.enable')}
          </button>
        </form>
      </div>
    </Card>
  );
}
