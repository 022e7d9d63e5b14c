/** The public record of price changes (worker/mail/prices.ts), with a way to hear of the next ones. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { dbOf } from '../../db/client';
import { recentPriceChanges } from '../../db/price-changes';
import type { ModelUsdPrice } from '../../db/schema';
import { Card, DataTable, Time } from '../components';
import type { View } from '../view';

function priceCell(v: View, p: ModelUsdPrice | null, removed: boolean) {
  if (!p) return <span class="muted">{removed ? v.t('pricing.removed') : '—'}</span>;
  if (p.perCall !== null)
    return (
      <>
        {v.usd(p.perCall)} {v.t('pricing.perCall')}
      </>
    );
  return (
    <>
      {v.usd(p.input ?? 0)} / {v.usd(p.output ?? 0)}
    </>
  );
}

export async function PriceHistory(props: { c: Context<AppEnv>; v: View }) {
  const { v } = props;
  const rows = await recentPriceChanges(dbOf(props.c.env.DB), 50);
  const subscribe = (
    <a class="btn btn-sm btn-primary" href="/notifications" data-testid="price-subscribe">
      {v.t('pricing.subscribe')}
    </a>
  );
  return (
    <Card flush title={v.t('pricing.history')} actions={subscribe}>
      <DataTable
        v={v}
        rows={rows.length}
        testid="price-history"
        empty={v.t('pricing.historyNone')}
        head={
          <tr>
            <th>{v.t('common.time')}</th>
            <th>{v.t('common.model')}</th>
            <th class="num">{v.t('pricing.before')}</th>
            <th class="num">{v.t('pricing.after')}</th>
          </tr>
        }
      >
        {rows.map((r) => (
          <tr data-changed-model={r.model}>
            <td>
              <Time ms={r.changedAt} />
            </td>
            <td>
              <span class="mono">{r.model}</span>
            </td>
            <td class="num">{priceCell(v, r.before, false)}</td>
            <td class="num">{priceCell(v, r.after, true)}</td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
