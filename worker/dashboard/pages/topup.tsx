/** The customer's top-up page: a live quote, the ways to pay, a code to redeem, and their orders. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { availableMethods } from '../../payments/orders';
import { normalizeOrderNo } from '../../payments/order-no';
import { orderOf, ordersOf, userGroupOf, type OrderRow } from '../data';
import { Card, DataTable, Field, PageHead } from '../components';
import type { SignedInView, View } from '../view';
import { OrderCells, OrderNumber, OrderStatus } from './topup-parts';
import { orderMoney } from '../client/shared';

/** A pending order older than this may be a late deposit: the page says what to do. */
const LATE_AFTER_MS = 10 * 60_000;
const percent = (d: number) => `${(d * 100).toFixed(1).replace(/\.0$/, '')}%`;

function PayForm(props: { v: View; methods: string[]; enterprise: boolean }) {
  const { v, methods } = props;
  const t = v.options.topup;
  if (methods.length === 0)
    return (
      <p class="muted" data-testid="topup-off">
        {v.t('topup.off')}
      </p>
    );
  return (
    <form data-api data-method="POST" data-path="/api/topup" data-then="pay" data-quote data-testid="topup-form">
      <p class="form-error" role="alert"></p>
      <Field
        label={v.t('topup.amount', { currency: t.currency })}
        hint={v.t('topup.min', { amount: orderMoney(String(t.min_amount), t.currency) })}
      >
        <input
          name="amount"
          required
          inputmode="decimal"
          data-type="number"
          data-label={v.t('topup.amountLabel')}
          value={String(Math.max(t.min_amount, 100))}
        />
        <span class="quick-picks">
          {[t.min_amount, ...t.tiers.map((tier) => tier.min_amount)].map((amount) => (
            <button type="button" class="btn btn-sm" data-quick-amount={String(amount)} data-testid="quick-amount">
              {orderMoney(String(amount), t.currency)}
            </button>
          ))}
        </span>
      </Field>
      <Field label={v.t('topup.methodLabel')}>
        <select name="method" data-testid="topup-method">
          {methods.map((m) => (
            <option value={m}>{v.t(`topup.method.${m}` as 'topup.method.epay')}</option>
          ))}
        </select>
      </Field>
      {methods.includes('epay') ? (
        <Field label={v.t('topup.payType')}>
          <select name="pay_type" data-empty="omit">
            <option value="alipay">{v.t('topup.alipay')}</option>
            <option value="wxpay">{v.t('topup.wxpay')}</option>
          </select>
        </Field>
      ) : null}
      <dl class="kv quote" data-quote-out data-testid="quote">
        <dt>{v.t('topup.payAmount')}</dt>
        <dd data-quote-slot="pay_amount">—</dd>
        <dt>{v.t('topup.discount')}</dt>
        <dd data-quote-slot="discount">—</dd>
        <dt>{v.t('topup.credit')}</dt>
        <dd data-quote-slot="credit">—</dd>
      </dl>
      <button class="btn btn-primary" type="submit" data-testid="topup-submit">
        {v.t('topup.pay')}
      </button>
      <p class="hint">
        {t.tiers
          .map((tier) =>
            v.t('topup.tier', { amount: orderMoney(String(tier.min_amount), t.currency), off: percent(tier.discount) }),
          )
          .join(' · ')}
        {props.enterprise ? ` · ${v.t('topup.enterpriseOn', { off: percent(t.enterprise.discount) })}` : ''}
      </p>
    </form>
  );
}

function LateNotice(props: { v: View; late: OrderRow[] }) {
  const { v, late } = props;
  if (late.length === 0) return null;
  return (
    <Card title={v.t('topup.lateTitle')} class="notice">
      <p>{v.t('topup.lateBody')}</p>
      {late.map((o, i) => (
        <p data-testid="late-order">
          <OrderNumber v={v} orderNo={o.orderNo} id={`late-${i}`} />{' '}
          <span class="muted">{orderMoney(o.payAmount, o.currency)}</span>
        </p>
      ))}
    </Card>
  );
}

export async function topupBody(c: Context<AppEnv>, v: SignedInView) {
  const s = v.session;
  const [orders, group] = await Promise.all([ordersOf(c.env, { userId: s.id, limit: 50 }), userGroupOf(c.env, s.id)]);
  const enterprise = group === v.options.topup.enterprise.group;
  const now = Date.now();
  const late = orders.items.filter((o) => o.status === 'pending' && now - o.createdAt > LATE_AFTER_MS).slice(0, 3);
  return (
    <>
      <PageHead title={v.t('topup.title')} sub={v.t('topup.subtitle')} />
      <LateNotice v={v} late={late} />
      <div class="grid cols-2">
        <Card title={v.t('topup.payTitle')}>
          <PayForm v={v} methods={availableMethods(c.env)} enterprise={enterprise} />
        </Card>
        <Card title={v.t('topup.redeemTitle')}>
          <form
            data-api
            data-method="POST"
            data-path="/api/redemptions/redeem"
            data-then="reload"
            data-ok={v.t('topup.redeemed')}
            data-testid="redeem-form"
          >
            <p class="form-error" role="alert"></p>
            <Field label={v.t('topup.code')}>
              <input name="code" required maxlength={200} autocomplete="off" class="mono" />
            </Field>
            <button class="btn" type="submit">
              {v.t('topup.redeem')}
            </button>
          </form>
        </Card>
      </div>
      <Card flush title={v.t('topup.ordersTitle')}>
        <DataTable
          v={v}
          rows={orders.items.length}
          testid="orders"
          empty={v.t('topup.noOrders')}
          head={
            <tr>
              <th>{v.t('topup.orderNo')}</th>
              <th>{v.t('common.time')}</th>
              <th class="num">{v.t('topup.amountCol')}</th>
              <th class="num">{v.t('topup.payAmount')}</th>
              <th class="num">{v.t('topup.credit')}</th>
              <th>{v.t('topup.methodLabel')}</th>
              <th>{v.t('common.status')}</th>
              <th>{v.t('topup.paidAt')}</th>
              <th></th>
            </tr>
          }
        >
          {orders.items.map((o) => (
            <tr data-order-no={o.orderNo}>
              <OrderCells v={v} o={o} />
              <td>
                {o.status === 'pending' && o.payUrl ? (
                  <a class="btn btn-sm" href={o.payUrl} rel="noreferrer">
                    {v.t('topup.payNow')}
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      </Card>
    </>
  );
}

/** Where the gateway sends the customer back: the order's state, refreshed until the payment is in. */
export async function topupReturnBody(c: Context<AppEnv>, v: SignedInView) {
  const s = v.session;
  const raw = c.req.query('order_no') ?? '';
  const order = raw ? await orderOf(c.env, normalizeOrderNo(raw)) : null;
  if (!order || (order.userId !== s.id && s.role !== 'admin')) {
    return (
      <Card>
        <p class="muted" data-testid="return-missing">
          {v.t('topup.returnMissing')}
        </p>
        <a class="btn" href="/topup">
          {v.t('topup.back')}
        </a>
      </Card>
    );
  }
  const pending = order.status === 'pending';
  return (
    <>
      <PageHead title={v.t('topup.returnTitle')} />
      <Card>
        <div data-testid="return-status" {...(pending ? { 'data-poll-order': order.orderNo } : {})}>
          <p>
            <OrderStatus v={v} status={order.status} />{' '}
            {pending
              ? v.t('topup.waiting')
              : order.status === 'paid'
                ? v.t('topup.paidBody', { credit: v.money(order.credit) })
                : v.t('topup.notPaid')}
          </p>
          <p>
            {v.t('topup.orderNo')}: <OrderNumber v={v} orderNo={order.orderNo} id="return-order" />
          </p>
          <p class="muted">{orderMoney(order.payAmount, order.currency)}</p>
        </div>
        <a class="btn" href="/topup">
          {v.t('topup.back')}
        </a>
      </Card>
    </>
  );
}
