/** The customer's mail settings (PUT /api/notifications through the page script's notifications module). */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { dbOf } from '../../db/client';
import { mailTarget } from '../../db/notify';
import { QUOTA_PER_USD } from '../../billing/charge';
import { Card, Field, PageHead } from '../components';
import type { SignedInView } from '../view';

export async function notificationsBody(c: Context<AppEnv>, v: SignedInView) {
  const target = await mailTarget(dbOf(c.env.DB), v.session.id);
  const s = target?.settings;
  const low = s?.lowBalance ?? null;
  const lowShown =
    low === null ? '' : String(Math.round((low / QUOTA_PER_USD) * (v.currency === 'CNY' ? v.rate : 1) * 1e6) / 1e6);
  return (
    <>
      <PageHead title={v.t('notify.title')} sub={v.t('notify.subtitle')} />
      <Card>
        <form data-notify data-testid="notify-form">
          <p class="form-error" role="alert"></p>
          {target?.pendingEmail ? (
            <p class="notice n-warn" data-testid="notify-pending">
              {v.t('notify.pending', { email: target.pendingEmail })}
            </p>
          ) : null}
          <Field label={v.t('notify.email')} hint={v.t('notify.emailHint')}>
            <input
              name="email"
              type="email"
              maxlength={254}
              value={target?.email ?? ''}
              data-original={target?.email ?? ''}
              autocomplete="email"
              data-testid="notify-email"
            />
          </Field>
          <Field label={v.t('notify.currentPassword')} hint={v.t('notify.currentPasswordHint')}>
            <input
              name="current_password"
              type="password"
              maxlength={256}
              autocomplete="current-password"
              data-testid="notify-password"
            />
          </Field>
          <div class="checks">
            <label>
              <input type="checkbox" name="price_enabled" checked={!!s?.priceChanges} data-testid="notify-price" />{' '}
              {v.t('notify.priceChanges')}
            </label>
          </div>
          <Field label={v.t('notify.models')} hint={v.t('notify.modelsHint')}>
            <textarea name="price_models" rows={4} class="mono" data-testid="notify-models">
              {(s?.priceModels ?? []).join('\n')}
            </textarea>
          </Field>
          <div class="checks">
            <label>
              <input type="checkbox" name="new_ip" checked={s?.newIp ?? true} data-testid="notify-newip" />{' '}
              {v.t('notify.newIp')}
            </label>
          </div>
          <Field label={`${v.t('notify.lowBalance')} (${v.currency})`} hint={v.t('notify.lowBalanceHint')}>
            <input name="low_balance" inputmode="decimal" value={lowShown} data-testid="notify-low" />
          </Field>
          <button class="btn btn-primary" type="submit" data-testid="notify-save">
            {v.t('common.save')}
          </button>
        </form>
      </Card>
    </>
  );
}
