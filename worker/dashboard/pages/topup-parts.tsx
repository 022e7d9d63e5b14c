/** Pieces the customer's and the operator's order pages share. */
import type { OrderRow } from '../data';
import { Badge, Time } from '../components';
import type { View } from '../view';
import { orderMoney } from '../client/shared';

const TONES = { pending: 'amber', paid: 'green', expired: 'gray', failed: 'red' } as const;

export function OrderStatus(props: { v: View; status: OrderRow['status'] }) {
  return <Badge tone={TONES[props.status]}>{props.v.t(`order.${props.status}` as const)}</Badge>;
}

/** An order number large enough to read aloud, with a button that copies it. */
export function OrderNumber(props: { v: View; orderNo: string; id: string }) {
  return (
    <span class="order-no-wrap">
      <code class="order-no" id={props.id} data-testid="order-no">
        {props.orderNo}
      </code>
      <button type="button" class="btn btn-sm" data-copy={`#${props.id}`}>
        {props.v.t('keys.copy')}
      </button>
    </span>
  );
}

export function OrderCells(props: { v: View; o: OrderRow }) {
  const { v, o } = props;
  return (
    <>
      <td>
        <code class="mono">{o.orderNo}</code>
      </td>
      <td>
        <Time ms={o.createdAt} />
      </td>
      <td class="num">{orderMoney(o.amount, o.currency)}</td>
      <td class="num">
        {orderMoney(o.payAmount, o.currency)}
        {Number(o.discount) > 0 ? (
          <div class="cell-sub">−{(Number(o.discount) * 100).toFixed(1).replace(/\.0$/, '')}%</div>
        ) : null}
      </td>
      <td class="num">{v.money(o.credit)}</td>
      <td>
        {v.t(`topup.method.${o.method}` as const)}
        {o.payType ? <div class="cell-sub">{o.payType}</div> : null}
      </td>
      <td data-testid="order-status">
        <OrderStatus v={v} status={o.status} />
      </td>
      <td>
        <Time ms={o.paidAt} empty="—" />
      </td>
    </>
  );
}
