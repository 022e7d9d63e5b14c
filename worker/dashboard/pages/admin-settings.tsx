import type { View } from '../view';
import { Card, Field, PageHead } from '../components';

/** One structured option (`signup`, `topup`) edited as JSON and merged by `PUT /api/options`. */
function OptionJsonForm(props: {
  v: View;
  name: 'signup' | 'topup';
  title: string;
  hint: string;
  value: unknown;
  rows: number;
  note?: string;
}) {
  const { v } = props;
  return (
    <Card title={props.title}>
      <form
        data-api
        data-method="PUT"
        data-path="/api/options"
        data-then="reload"
        data-testid={`${props.name}-settings`}
      >
        <p class="form-error" role="alert"></p>
        {props.note ? <p class="hint">{props.note}</p> : null}
        <Field label={props.title} hint={props.hint}>
          <textarea name={props.name} class="mono" rows={props.rows} data-type="json" data-label={props.title}>
            {JSON.stringify(props.value, null, 2)}
          </textarea>
        </Field>
        <button class="btn btn-primary" type="submit">
          {v.t('common.save')}
        </button>
      </form>
    </Card>
  );
}

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
              <input
                name="usd_to_cny"
                value={String(o.usd_to_cny)}
                data-type="number"
                data-empty="omit"
                inputmode="decimal"
                required
                data-label={v.t('settings.rate')}
              />
            </Field>
            <Field label={v.t('settings.defaultCurrency')}>
              <select name="default_currency">
                <option value="USD" selected={o.default_currency === 'USD'}>
                  USD ($)
                </option>
                <option value="CNY" selected={o.default_currency === 'CNY'}>
                  CNY (¥)
                </option>
              </select>
            </Field>
            <button class="btn btn-primary" type="submit">
              {v.t('common.save')}
            </button>
          </form>
        </Card>
        <OptionJsonForm
          v={v}
          name="signup"
          title={v.t('settings.signup')}
          hint={v.t('settings.signupHint')}
          value={o.signup}
          rows={4}
        />
        <OptionJsonForm
          v={v}
          name="topup"
          title={v.t('settings.topup')}
          hint={v.t('settings.topupHint')}
          value={o.topup}
          rows={14}
          note={v.t('settings.topupMethods', { methods: methods.length ? methods.join(', ') : v.t('common.none') })}
        />
      </div>
    </>
  );
}
