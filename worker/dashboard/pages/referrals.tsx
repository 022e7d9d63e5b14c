/** Referrals: the customer's invite link, rebate and withdrawals; the operator's withdrawal requests. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { accountOf } from '../../account/client';
import { dbOf } from '../../db/client';
import { inviteCodeOf, invitedCount, rebateHistory, withdrawalsPage, type WithdrawalRow } from '../../db/referrals';
import { publicBase } from '../../api/topup';
import { Badge, Card, DataTable, Field, PageHead, Stat, Time } from '../components';
import type { SignedInView, View } from '../view';
import type { MessageKey } from '../i18n';

function WithdrawalStatus(props: { v: View; status: WithdrawalRow['status'] }) {
  const tone = props.status === 'approved' ? 'green' : props.status === 'rejected' ? 'gray' : 'amber';
  return <Badge tone={tone}>{props.v.t(`wd.${props.status}` as MessageKey)}</Badge>;
}

function Withdrawals(props: { v: View; rows: WithdrawalRow[]; operator: boolean }) {
  const { v, rows, operator } = props;
  return (
    <DataTable
      v={v}
      rows={rows.length}
      testid="withdrawals"
      empty={v.t('wd.none')}
      head={
        <tr>
          <th>{v.t('common.time')}</th>
          {operator ? <th>{v.t('wd.user')}</th> : null}
          <th class="num">{v.t('ref.amount')}</th>
          <th>{v.t('wd.account')}</th>
          <th>{v.t('wd.status')}</th>
          {operator ? <th></th> : null}
        </tr>
      }
    >
      {rows.map((w) => (
        <tr data-withdrawal={w.id}>
          <td>
            <Time ms={w.createdAt} />
          </td>
          {operator ? <td>#{w.userId}</td> : null}
          <td class="num">{v.money(w.units)}</td>
          <td>{w.account}</td>
          <td>
            <WithdrawalStatus v={v} status={w.status} />
          </td>
          {operator ? (
            <td class="actions">
              {w.status === 'pending' ? (
                <>
                  <button
                    type="submit"
                    class="btn btn-sm btn-primary"
                    data-call={`/api/referrals/withdrawals/${w.id}/approve`}
                    data-confirm={v.t('wd.approveConfirm')}
                    data-testid="wd-approve"
                  >
                    {v.t('wd.approve')}
                  </button>
                  <button
                    type="submit"
                    class="btn btn-sm"
                    data-call={`/api/referrals/withdrawals/${w.id}/reject`}
                    data-confirm={v.t('wd.rejectConfirm')}
                    data-testid="wd-reject"
                  >
                    {v.t('wd.reject')}
                  </button>
                </>
              ) : null}
            </td>
          ) : null}
        </tr>
      ))}
    </DataTable>
  );
}

export async function referralsBody(c: Context<AppEnv>, v: SignedInView) {
  const me = v.session.id;
  const db = dbOf(c.env.DB);
  const [code, invited, rebate, history, mine] = await Promise.all([
    inviteCodeOf(db, me),
    invitedCount(db, me),
    accountOf(c.env, me).rebateView(),
    rebateHistory(db, me, 50),
    withdrawalsPage(db, { userId: me, limit: 20 }),
  ]);
  const ref = v.options.referral;
  const link = `${publicBase(c)}/signup?invite=${code}`;
  return (
    <>
      <PageHead
        title={v.t('ref.title')}
        sub={
          ref.enabled
            ? v.t('ref.subtitle', { pct: String(Math.round(ref.topup_rebate * 10000) / 100) })
            : v.t('ref.off')
        }
      />
      <Card title={v.t('ref.link')}>
        <p>
          <code id="invite-link" data-testid="invite-link">
            {link}
          </code>{' '}
          <button type="button" class="btn btn-sm" data-copy="#invite-link" data-testid="copy-invite">
            {v.t('ref.copy')}
          </button>
        </p>
      </Card>
      <div class="grid cols-3">
        <Stat label={v.t('ref.invited')} value={String(invited)} testid="invited" />
        <Stat
          label={v.t('ref.rebate')}
          value={v.money(rebate.balance)}
          hint={rebate.held > 0 ? v.t('ref.held', { amount: v.money(rebate.held) }) : undefined}
          testid="rebate-balance"
        />
        <Stat label={v.t('ref.total')} value={v.money(rebate.total)} testid="rebate-total" />
      </div>
      <div class="grid cols-2">
        <Card title={v.t('ref.transfer')} hint={v.t('ref.transferHint')}>
          <form data-api data-method="POST" data-path="/api/referrals/transfer" data-testid="transfer-form">
            <p class="form-error" role="alert"></p>
            <Field label={v.t('ref.amountIn', { currency: v.currency })}>
              <input name="units" required data-type="money" inputmode="decimal" data-label={v.t('ref.amount')} />
            </Field>
            <button type="submit" class="btn btn-primary">
              {v.t('ref.transfer')}
            </button>
          </form>
        </Card>
        <Card title={v.t('ref.withdraw')} hint={v.t('ref.withdrawHint', { amount: v.money(ref.min_withdrawal) })}>
          <form data-api data-method="POST" data-path="/api/referrals/withdrawals" data-testid="withdraw-form">
            <p class="form-error" role="alert"></p>
            <Field label={v.t('ref.amountIn', { currency: v.currency })}>
              <input name="units" required data-type="money" inputmode="decimal" data-label={v.t('ref.amount')} />
            </Field>
            <Field label={v.t('ref.account')}>
              <input name="account" required maxlength={200} />
            </Field>
            <button type="submit" class="btn btn-primary">
              {v.t('ref.withdraw')}
            </button>
          </form>
        </Card>
      </div>
      <Card flush title={v.t('ref.history')}>
        <DataTable
          v={v}
          rows={history.length}
          testid="rebate-history"
          empty={v.t('ref.none')}
          head={
            <tr>
              <th>{v.t('common.time')}</th>
              <th>{v.t('ref.kind')}</th>
              <th class="num">{v.t('ref.amount')}</th>
              <th>{v.t('ref.order')}</th>
            </tr>
          }
        >
          {history.map((r) => (
            <tr>
              <td>
                <Time ms={r.createdAt} />
              </td>
              <td>{v.t(`ref.kind.${r.kind}` as MessageKey)}</td>
              <td class="num">{v.money(r.units)}</td>
              <td>{r.orderNo ? <code>{r.orderNo}</code> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </DataTable>
      </Card>
      <Card flush title={v.t('ref.myWithdrawals')}>
        <Withdrawals v={v} rows={mine} operator={false} />
      </Card>
    </>
  );
}

export async function withdrawalsBody(c: Context<AppEnv>, v: SignedInView) {
  const status = c.req.query('status');
  const rows = await withdrawalsPage(dbOf(c.env.DB), {
    userId: null,
    status: status === 'approved' || status === 'rejected' || status === 'pending' ? status : undefined,
    limit: 200,
  });
  return (
    <>
      <PageHead title={v.t('wd.title')} sub={v.t('wd.subtitle')} />
      <Card flush>
        <Withdrawals v={v} rows={rows} operator />
      </Card>
    </>
  );
}
