/** The prompt cache's hit rate, as the overview and the channels page show it. */
import { hitRate, tokenRate, type CacheRate } from '../../db/cache-stats';
import type { CacheRates } from '../data';
import { Card, DataTable } from '../components';
import { formatInt, type View } from '../view';

const TOP_ROWS = 8;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function Rate(props: { v: View; r: CacheRate }) {
  const { v, r } = props;
  return (
    <>
      <td class="num">{formatInt(r.requests)}</td>
      <td class="num" data-testid="cache-hit-rate">
        {pct(hitRate(r))}
        <div class="cell-sub">{v.t('cache.of', { hits: formatInt(r.cacheReads), calls: formatInt(r.requests) })}</div>
      </td>
      <td class="num">{pct(tokenRate(r))}</td>
    </>
  );
}

function RateTable(props: { v: View; label: string; rows: { name: string; r: CacheRate }[]; testid: string }) {
  const { v, rows } = props;
  return (
    <DataTable
      v={v}
      rows={rows.length}
      testid={props.testid}
      empty={v.t('cache.none')}
      head={
        <tr>
          <th>{props.label}</th>
          <th class="num">{v.t('cache.calls')}</th>
          <th class="num">{v.t('cache.hitRate')}</th>
          <th class="num">{v.t('cache.tokenRate')}</th>
        </tr>
      }
    >
      {rows.slice(0, TOP_ROWS).map(({ name, r }) => (
        <tr data-name={name}>
          <td class="mono">{name}</td>
          <Rate v={v} r={r} />
        </tr>
      ))}
    </DataTable>
  );
}

/** By model; for operators by channel too, named where the channel is known. */
export function CacheCard(props: { v: View; rates: CacheRates; channelNames?: Map<number, string> }) {
  const { v, rates, channelNames } = props;
  const models = rates.byModel.map((r) => ({ name: r.model, r }));
  const channels = rates.byChannel.map((r) => ({ name: channelNames?.get(r.channelId) ?? `#${r.channelId}`, r }));
  return (
    <Card flush title={v.t('cache.title')} hint={v.t('cache.hint')} id="cache-card">
      <RateTable v={v} label={v.t('cache.model')} rows={models} testid="cache-by-model" />
      {channelNames ? <RateTable v={v} label={v.t('cache.channel')} rows={channels} testid="cache-by-channel" /> : null}
    </Card>
  );
}

/** One channel's cell on the channels page. */
export function ChannelCacheCell(props: { v: View; r: CacheRate | undefined }) {
  const { v, r } = props;
  if (!r || r.requests === 0)
    return (
      <td class="num muted" data-testid="channel-cache">
        —
      </td>
    );
  return (
    <td class="num" data-testid="channel-cache">
      {pct(hitRate(r))}
      <div class="cell-sub">{v.t('cache.of', { hits: formatInt(r.cacheReads), calls: formatInt(r.requests) })}</div>
    </td>
  );
}
