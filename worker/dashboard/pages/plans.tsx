/** Plans: the customer's page (plans on sale, buying one, their windows) and the operator's catalogue. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { accountOf } from '../../account/client';
import type { SubscriptionView } from '../../account/plans';
import { dbOf } from '../../db/client';
import { plansOnSale, type PlanRow } from '../../db/plans';
import { availableMethods } from '../../payments/orders';
import { Card, DataTable, Empty, Field, FormDialog, PageHead, Time } from '../components';
import type { SignedInView, View } from '../view';
import type { MessageKey } from '../i18n';
import { orderMoney } from '../client/shared';

const windowName = (v: View, w: string) => v.t(`plans.window.${w}` as MessageKey);
const limitsText = (v: View, p: PlanRow) =>
  p.limits.map((l) => `${windowName(v, l.window)}: ${v.money(l.units)}`).join(' · ');

function BuyForm(props: { v: View; plan: PlanRow; methods: string[] }) {
  const { v, plan, methods } = props;
  return (
    <form
      data-api
      data-method="POST"
      data-path={`/api/plans/${plan.id}/subscribe`}
      data-then="subscribed"
      class="inline-form"
      data-testid="plan-buy"
    >
      <p class="form-error" role="alert"></p>
      <select name="method" aria-label={v.t('plans.method')} data-testid="plan-method">
        <option value="balance">{v.t('plans.byBalance')}</option>
        {methods.map((m) => (
          <option value={m}>{v.t(`topup.method.${m}` as MessageKey)}</option>
        ))}
      </select>
      <button type="submit" class="btn btn-sm btn-primary">
        {v.t('plans.buy')}
      </button>
    </form>
  );
}

/** The customer's windows: use and limit in their currency, and when a window has room again. */
export function SubscriptionCards(props: { v: View; subs: SubscriptionView[] }) {
  const { v, subs } = props;
  if (subs.length === 0) return <Empty>{v.t('plans.noneMine')}</Empty>;
  return (
    <>
      {subs.map((s) => (
        <Card
          title={s.plan.name}
          hint={
            <>
              {v.t(s.active ? 'plans.ends' : 'plans.starts')}: <Time ms={s.active ? s.ends_at : s.started_at} />
            </>
          }
        >
          <DataTable
            v={v}
            rows={s.windows.length}
            testid="plan-windows"
            head={
              <tr>
                <th>{v.t('plans.window')}</th>
                <th class="num">{v.t('plans.used')}</th>
                <th class="num">{v.t('plans.limits')}</th>
                <th>{v.t('plans.resets')}</th>
              </tr>
            }
          >
            {s.windows.map((w) => (
              <tr data-window={w.window}>
                <td>{windowName(v, w.window)}</td>
                <td class="num" data-testid="window-used">
                  {v.money(w.used)}
                </td>
                <td class="num">{v.money(w.limit)}</td>
                <td>
                  <Time ms={w.resets_at} />
                </td>
              </tr>
            ))}
          </DataTable>
        </Card>
      ))}
    </>
  );
}

export async function plansBody(c: Context<AppEnv>, v: SignedInView) {
  const me = v.session.id;
  const [plans, subs] = await Promise.all([plansOnSale(dbOf(c.env.DB)), accountOf(c.env, me).subscriptions()]);
  const methods = availableMethods(c.env);
  const currency = v.options.topup.currency;
  return (
    <>
      <PageHead title={v.t('plans.title')} sub={v.t('plans.subtitle')} />
      <Card flush>
        <DataTable
          v={v}
          rows={plans.length}
          testid="plans"
          empty={v.t('plans.none')}
          head={
            <tr>
              <th>{v.t('plans.name')}</th>
              <th class="num">{v.t('plans.price')}</th>
              <th>{v.t('plans.models')}</th>
              <th>{v.t('plans.limits')}</th>
              <th></th>
            </tr>
          }
        >
          {plans.map((p) => (
            <tr data-plan={p.name}>
              <td>
                <strong>{p.name}</strong>
                <div class="cell-sub">{v.t('plans.period', { n: p.periodDays })}</div>
              </td>
              <td class="num">{orderMoney(p.price, currency)}</td>
              <td>{p.models ? p.models.join(', ') : v.t('plans.allModels')}</td>
              <td>{limitsText(v, p)}</td>
              <td>
                <BuyForm v={v} plan={p} methods={methods} />
              </td>
            </tr>
          ))}
        </DataTable>
      </Card>
      <h2>{v.t('plans.mine')}</h2>
      <div data-testid="my-plans">
        <SubscriptionCards v={v} subs={subs} />
      </div>
    </>
  );
}

export async function adminPlansBody(c: Context<AppEnv>, v: SignedInView) {
  const plans = await plansOnSale(dbOf(c.env.DB));
  const currency = v.options.topup.currency;
  return (
    <>
      <PageHead title={v.t('plans.title')} sub={v.t('plans.adminSubtitle')}>
        <button type="submit" class="btn btn-primary" data-open="plan-form" data-testid="plan-new">
          {v.t('plans.new')}
        </button>
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={plans.length}
          testid="admin-plans"
          empty={v.t('plans.none')}
          head={
            <tr>
              <th>{v.t('plans.name')}</th>
              <th class="num">{v.t('plans.price')}</th>
              <th>{v.t('plans.models')}</th>
              <th>{v.t('plans.limits')}</th>
              <th></th>
            </tr>
          }
        >
          {plans.map((p) => (
            <tr>
              <td>
                <strong>{p.name}</strong>
                <div class="cell-sub">{v.t('plans.period', { n: p.periodDays })}</div>
              </td>
              <td class="num">{orderMoney(p.price, currency)}</td>
              <td>{p.models ? p.models.join(', ') : v.t('plans.allModels')}</td>
              <td>{limitsText(v, p)}</td>
              <td>
                <button
                  type="submit"
                  class="btn btn-sm"
                  data-call={`/api/plans/${p.id}`}
                  data-method="DELETE"
                  data-confirm={v.t('plans.removeConfirm')}
                >
                  {v.t('plans.remove')}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Card>
      <FormDialog
        id="plan-form"
        v={v}
        title={v.t('plans.new')}
        method="POST"
        path="/api/plans"
        submit={v.t('common.create')}
      >
        <Field label={v.t('plans.name')}>
          <input name="name" required maxlength={64} />
        </Field>
        <Field label={v.t('plans.priceIn', { currency })}>
          <input name="price" required inputmode="decimal" />
        </Field>
        <Field label={v.t('plans.periodDays')}>
          <input
            name="period_days"
            required
            data-type="int"
            value="30"
            inputmode="numeric"
            data-label={v.t('plans.periodDays')}
          />
        </Field>
        <Field label={v.t('plans.models')} hint={v.t('plans.modelsHint')}>
          <input name="models" data-type="list" />
        </Field>
        <Field label={v.t('plans.limits')} hint={v.t('plans.limitsHint')}>
          <textarea
            name="limits"
            required
            data-type="json"
            rows={3}
            class="mono"
            data-label={v.t('plans.limits')}
          ></textarea>
        </Field>
      </FormDialog>
    </>
  );
}
