/** The operator's orders: find one by number (as read aloud), by user or status; check it with the gateway; complete a late one by hand. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { normalizeOrderNo } from '../../payments/order-no';
import { ordersOf, userIdByName, type OrderFilter, type OrderRow } from '../data';
import { Card, DataTable, Field, FormDialog, PageHead } from '../components';
import { withParam, type View, type SignedInView } from '../view';
import { OrderCells } from './topup-parts';

const STATUSES: OrderRow['status'][] = ['pending', 'paid', 'expired', 'failed'];
const PAGE = 50;

function OrderActions(props: { v: View; o: OrderRow }) {
  const { v, o } = props;
  if (o.status === 'paid') {
    const by =
      o.completedBy === 'manual'
        ? v.t('orders.byHand', { id: String(o.completedByUser ?? '?') })
        : v.t('orders.byGateway');
    return (
      <span class="cell-sub" title={o.note ?? undefined}>
        {by}
        {o.providerRef ? <div class="mono">{o.providerRef}</div> : null}
      </span>
    );
  }
  return (
    <div class="actions">
      {o.providerRef ? (
        <span class="cell-sub mono" title={v.t('orders.ref')}>
          {o.providerRef.slice(0, 24)}
        </span>
      ) : null}
      <button
        type="submit"
        class="btn btn-sm"
        data-call={`/api/topup/orders/${o.orderNo}/check`}
        data-method="POST"
        data-ok={v.t('orders.checked')}
        data-testid="order-check"
      >
        {v.t('orders.check')}
      </button>
      <button
        type="submit"
        class="btn btn-sm"
        data-open="complete-form"
        data-form-path={`/api/topup/orders/${o.orderNo}/complete`}
        data-form-method="POST"
        data-title={v.t('orders.completeTitle', { no: o.orderNo })}
        data-testid="order-complete"
      >
        {v.t('orders.complete')}
      </button>
    </div>
  );
}

export async function ordersBody(c: Context<AppEnv>, v: SignedInView) {
  const q = c.req.query();
  const userText = (q.user ?? '').trim().slice(0, 64);
  const userId = userText
    ? ((/^\d+$/.test(userText) ? Number(userText) : await userIdByName(c.env, userText)) ?? -1)
    : null;
  const status = STATUSES.find((s) => s === q.status);
  const cursor = /^\d{1,12}$/.test(q.cursor ?? '') ? Number(q.cursor) : undefined;
  const orderNo = q.order_no?.trim() ? normalizeOrderNo(q.order_no) : undefined;
  const filter: OrderFilter = { userId, orderNo, status, cursor, limit: PAGE };
  const page = await ordersOf(c.env, filter);
  return (
    <>
      <PageHead title={v.t('orders.title')} sub={v.t('orders.subtitle')} />
      <Card flush>
        <form class="filters" method="get" action="/admin/orders" data-testid="order-filters">
          <input name="order_no" placeholder={v.t('topup.orderNo')} value={q.order_no ?? ''} class="mono" />
          <input name="user" placeholder={v.t('logs.userHint')} value={userText} />
          <select name="status">
            <option value="">{v.t('common.all')}</option>
            {STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {v.t(`order.${s}` as const)}
              </option>
            ))}
          </select>
          <button class="btn" type="submit">
            {v.t('common.filter')}
          </button>
          <a class="btn" href="/admin/orders">
            {v.t('common.reset')}
          </a>
        </form>
        <DataTable
          v={v}
          rows={page.items.length}
          testid="admin-orders"
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
              <th>{v.t('logs.userHint')}</th>
              <th></th>
            </tr>
          }
        >
          {page.items.map((o) => (
            <tr data-order-no={o.orderNo}>
              <OrderCells v={v} o={o} />
              <td>#{o.userId}</td>
              <td>
                <OrderActions v={v} o={o} />
              </td>
            </tr>
          ))}
        </DataTable>
        {page.next !== null ? (
          <div class="pager">
            <a class="btn btn-sm" href={withParam(v.url, 'cursor', String(page.next))}>
              {v.t('common.older')}
            </a>
          </div>
        ) : null}
      </Card>
      <FormDialog
        id="complete-form"
        v={v}
        title={v.t('orders.complete')}
        method="POST"
        path=""
        submit={v.t('orders.complete')}
        ok={v.t('orders.completed')}
      >
        <p class="hint">{v.t('orders.completeHint')}</p>
        <Field label={v.t('orders.note')}>
          <textarea name="note" required maxlength={500} rows={3} data-label={v.t('orders.note')}></textarea>
        </Field>
        <Field label={v.t('orders.ref')}>
          <input name="provider_ref" maxlength={200} data-empty="omit" class="mono" />
        </Field>
      </FormDialog>
    </>
  );
}
