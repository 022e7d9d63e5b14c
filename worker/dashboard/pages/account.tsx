import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { loadUserView } from '../../api/users';
import { ledgerOf, type LedgerRow } from '../data';
import { Card, DataTable, Field, PageHead, Time } from '../components';
import type { SignedInView, View } from '../view';
import { TotpCard } from './totp-card';

export function LedgerTable(props: { v: View; rows: LedgerRow[] }) {
  const { v } = props;
  const head = (
    <tr>
      <th>{v.t('common.time')}</th>
      <th class="num">{v.t('account.delta')}</th>
      <th class="num">{v.t('account.after')}</th>
      <th>{v.t('account.reason')}</th>
      <th>{v.t('common.note')}</th>
    </tr>
  );
  return (
    <DataTable v={v} rows={props.rows.length} testid="ledger-table" head={head}>
      {props.rows.map((r) => (
        <tr>
          <td>
            <Time ms={r.createdAt} />
          </td>
          <td class="num">
            {r.delta > 0 ? '+' : ''}
            {v.money(r.delta)}
          </td>
          <td class="num">{v.money(r.balanceAfter)}</td>
          <td>
            <span class="tag">{r.reason}</span>
          </td>
          <td class="muted">{r.note ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export async function accountBody(c: Context<AppEnv>, v: SignedInView) {
  const s = v.session;
  const [me, ledger] = await Promise.all([loadUserView(c, s.id), ledgerOf(c.env, s.id, 20)]);
  return (
    <>
      <PageHead title={v.t('account.title')} sub={v.t('account.subtitle')} />
      {me.group === v.options.topup.enterprise.group ? (
        <Card class="notice">
          <p data-testid="enterprise-note">
            {v.t('account.enterprise', {
              off: `${(v.options.topup.enterprise.discount * 100).toFixed(1).replace(/\.0$/, '')}%`,
            })}
          </p>
        </Card>
      ) : null}
      <div class="grid cols-2">
        <Card title={v.t('account.profile')}>
          <dl class="kv">
            <dt>{v.t('login.username')}</dt>
            <dd>
              <strong>{me.username}</strong>
            </dd>
            <dt>{v.t('account.role')}</dt>
            <dd>{v.t(me.role === 'admin' ? 'account.role.admin' : 'account.role.user')}</dd>
            <dt>{v.t('common.group')}</dt>
            <dd>
              <span class="tag mono">{me.group}</span>
            </dd>
            <dt>{v.t('overview.balance')}</dt>
            <dd data-testid="account-balance">{v.money(me.quota)}</dd>
            <dt>{v.t('keys.used')}</dt>
            <dd>{v.money(me.used_quota)}</dd>
            <dt>{v.t('account.created')}</dt>
            <dd>
              <Time ms={me.created_at} dateOnly />
            </dd>
          </dl>
        </Card>
        <Card title={v.t('account.password')}>
          <form
            data-api
            data-method="POST"
            data-path="/api/auth/password"
            data-then="message"
            data-ok={v.t('account.changed')}
            data-testid="password-form"
          >
            <p class="form-error" role="alert"></p>
            <Field label={v.t('account.current')}>
              <input name="current_password" type="password" autocomplete="current-password" required />
            </Field>
            <Field label={v.t('account.new')} hint={v.t('account.newHint')}>
              <input
                name="new_password"
                type="password"
                autocomplete="new-password"
                required
                minlength={8}
                maxlength={128}
              />
            </Field>
            <Field label={v.t('account.confirm')}>
              <input
                name="confirm_password"
                type="password"
                autocomplete="new-password"
                required
                data-match="new_password"
                data-exclude
              />
            </Field>
            <button class="btn btn-primary" type="submit">
              {v.t('common.save')}
            </button>
          </form>
        </Card>
      </div>
      <TotpCard c={c} v={v} />
      <Card flush title={v.t('account.ledger')}>
        <LedgerTable v={v} rows={ledger} />
      </Card>
    </>
  );
}
