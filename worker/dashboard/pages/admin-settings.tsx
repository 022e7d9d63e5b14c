import type { View } from '../view';
import { Card, Field, PageHead } from '../components';

export function settingsBody(v: View, methods: string[]) {
  const o = v.options;
  return (
    <>
      <PageHead title={v.t('settings.title')} sub={v.t('settings.subtitle')} />
      <div class="grid cols-2">
        <Card>
          <form data-api data-method="PUT" data-path="/api/options" data-then="reload" data-testid="settings-form">
            <p class="form-error" role="alert"></p>
            <Field label={v.t('settings.siteName')}>
              <input name="site_name" value={o.site_name} required maxlength={64} data-empty="omit" />
            </Field>
            <Field label={v.t('settings.rate')} hint={v.t('settings.rateHint')}>
              <input name="usd_to_cny" value={String(o.usd_to_cny)} data-type="number" data-empty="omit" inputmode="decimal" required data-label={v.t('settings.rate')} />
            </Field>
            <Field label={v.t('settings.defaultCurrency')}>
              <select name="default_currency">
                <option value="USD" selected={o.default_currency === 'USD'}>USD ($)</option>
                <option value="CNY" selected={o.default_currency === 'CNY'}>CNY (¥)</option>
              </select>
            </Field>
            <button class="btn btn-primary" type="submit">{v.t('common.save')}</button>
          </form>
        </Card>
        <Card title={v.t('settings.signup')}>
          <form data-api data-method="PUT" data-path="/api/options" data-then="reload" data-testid="signup-settings">
            <p class="form-error" role="alert"></p>
            <Field label={v.t('settings.signup')} hint={v.t('settings.signupHint')}>
              <textarea name="signup" class="mono" rows={4} data-type="json" data-label={v.t('settings.signup')}>{JSON.stringify(o.signup, null, 2)}</textarea>
            </Field>
            <button class="btn btn-primary" type="submit">{v.t('common.save')}</button>
          </form>
        </Card>
        <Card title={v.t('settings.topup')}>
          <form data-api data-method="PUT" data-path="/api/options" data-then="reload" data-testid="topup-settings">
            <p class="form-error" role="alert"></p>
            <p class="hint">{v.t('settings.topupMethods', { methods: methods.length ? methods.join(', ') : v.t('common.none') })}</p>
            <Field label={v.t('settings.topup')} hint={v.t('settings.topupHint')}>
              <textarea name="topup" class="mono" rows={14} data-type="json" data-label={v.t('settings.topup')}>{JSON.stringify(o.topup, null, 2)}</textarea>
            </Field>
            <button class="btn btn-primary" type="submit">{v.t('common.save')}</button>
          </form>
        </Card>
      </div>
    </>
  );
}
