import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../../app-types';
import { loadUserView } from '../../api/users';
import { AreaLine, Legend, PALETTE, StackedBars, type Series } from '../charts';
import {
  cacheRatesOf,
  channelsWithHealth,
  logsPage,
  requestsPerMinute,
  siteBalances,
  totalsSince,
  usageByDay,
  utcDayStart,
  utcMonthStart,
} from '../data';
import { Card, PageHead, Stat } from '../components';
import { formatInt, type View, type SignedInView } from '../view';
import { LogTable } from './logs';
import { accountOf } from '../../account/client';
import { dbOf } from '../../db/client';
import { revenueBySource, type Revenue } from '../../db/plans';
import { SubscriptionCards } from './plans';
import { orderMoney } from '../client/shared';

function RevenueCard(props: { v: View; r: Revenue }) {
  const { v, r } = props;
  const cur = v.options.topup.currency;
  const rows: [string, string, string][] = [
    [v.t('rev.topups'), orderMoney(r.topups.amount.toFixed(2), cur), v.money(r.topups.units)],
    [v.t('rev.plans'), orderMoney(r.plans.amount.toFixed(2), cur), ''],
    [v.t('rev.plansBalance'), '', v.money(r.plans.units)],
    [v.t('rev.codes'), '', v.money(r.codes.units)],
  ];
  return (
    <Card title={v.t('rev.title')} id="revenue">
      <table data-testid="revenue">
        <tbody>
          {rows.map(([name, money, units]) => (
            <tr>
              <td>{name}</td>
              <td class="num">{money}</td>
              <td class="num">{units}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
import { CacheCard } from './cache-rates';

const TOP_MODELS = 6;

function usageSeries(v: View, days: string[], rows: { day: string; model: string; quota: number }[]): Series[] {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.model, (totals.get(r.model) ?? 0) + r.quota);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  const shown = ranked.length > TOP_MODELS ? ranked.slice(0, TOP_MODELS - 1) : ranked;
  const other = v.t('overview.other');
  const names = ranked.length > shown.length ? [...shown, other] : shown;
  const index = new Map(days.map((d, i) => [d, i]));
  const series = names.map((name, i) => ({
    name,
    color: name === other ? PALETTE[PALETTE.length - 1] : PALETTE[i % (PALETTE.length - 1)],
    values: days.map(() => 0),
  }));
  for (const r of rows) {
    const at = index.get(r.day);
    if (at === undefined) continue;
    const s = series.find((x) => x.name === r.model) ?? series.find((x) => x.name === other);
    if (s) s.values[at] += r.quota;
  }
  return series;
}

export async function overviewBody(c: Context<AppEnv>, v: SignedInView) {
  const s = v.session;
  const site = s.role === 'admin';
  const scope = site ? null : s.id;
  const now = Date.now();
  const [today, month, usage, rpm, recent, cache] = await Promise.all([
    totalsSince(c.env, scope, utcDayStart(now)),
    totalsSince(c.env, scope, utcMonthStart(now)),
    usageByDay(c.env, scope, 30),
    requestsPerMinute(c.env, scope, 60),
    logsPage(c.env, { userId: scope, limit: 6 }),
    cacheRatesOf(c.env, scope),
  ]);

  let first: Child;
  let fourth: Child;
  let growth: Child = null;
  let channelNames: Map<number, string> | undefined;
  if (site) {
    const [balances, channels] = await Promise.all([siteBalances(c.env), channelsWithHealth(c.env)]);
    channelNames = new Map(channels.map((ch) => [ch.id, ch.name]));
    const serving = channels.filter((ch) => ch.status === 'enabled' && ch.health.state !== 'open').length;
    first = (
      <Stat
        label={v.t('overview.usersBalance')}
        value={v.money(balances.quota)}
        hint={v.t('overview.usersCount', { n: formatInt(balances.users) })}
        testid="balance"
      />
    );
    growth = <RevenueCard v={v} r={await revenueBySource(dbOf(c.env.DB))} />;
    fourth = (
      <Stat
        label={v.t('overview.channelsHealthy')}
        value={`${serving} / ${channels.length}`}
        hint={`${v.t('overview.requestsToday')}: ${formatInt(today.requests)}`}
        testid="channels-serving"
      />
    );
  } else {
    const me = await loadUserView(c, s.id);
    const subs = await accountOf(c.env, s.id).subscriptions();
    growth = subs.length ? (
      <div class="grid cols-2" data-testid="overview-plans">
        <SubscriptionCards v={v} subs={subs} />
      </div>
    ) : null;
    first = (
      <Stat
        label={v.t('overview.balance')}
        value={v.money(me.quota)}
        hint={v.t('overview.used', { amount: v.money(me.used_quota) })}
        testid="balance"
      />
    );
    fourth = (
      <Stat
        label={v.t('overview.requestsToday')}
        value={formatInt(today.requests)}
        hint={v.t('overview.tokensToday', { n: formatInt(today.tokens) })}
        testid="requests-today"
      />
    );
  }

  const series = usageSeries(v, usage.days, usage.rows);
  const totalByModel = series.map((x) => ({
    name: x.name,
    color: x.color,
    value: v.money(x.values.reduce((a, b) => a + b, 0)),
  }));
  const n = rpm.length;
  const ticks = [0, 15, 30, 45, n - 1].map((i) => ({
    index: i,
    label: i === n - 1 ? v.t('overview.now') : v.t('overview.minAgo', { n: n - 1 - i }),
  }));
  const tooltips = rpm.map((r) => `${new Date(r.minute * 60_000).toISOString().slice(11, 16)} UTC: ${r.requests}`);

  return (
    <>
      <PageHead title={v.t('overview.title')} sub={site ? v.t('overview.siteSubtitle') : v.t('overview.subtitle')} />
      <div class="grid cols-4">
        {first}
        <Stat
          label={v.t('overview.spentToday')}
          value={v.money(today.quota)}
          hint={v.t('overview.tokensToday', { n: formatInt(today.tokens) })}
          testid="spent-today"
        />
        <Stat
          label={v.t('overview.spentMonth')}
          value={v.money(month.quota)}
          hint={v.t('overview.requestsN', { n: formatInt(month.requests) })}
          testid="spent-month"
        />
        {fourth}
      </div>
      {growth}
      <div class="grid cols-2">
        <Card title={v.t('overview.usageChart')} hint={v.t('overview.usageChartHint')} id="usage-chart">
          <StackedBars
            title={v.t('overview.usageChart')}
            labels={usage.days}
            series={series}
            format={v.money}
            tickLabel={(d) => d.slice(5)}
            empty={v.t('overview.noData')}
          />
          {totalByModel.length ? <Legend items={totalByModel} /> : null}
        </Card>
        <Card title={v.t('overview.rpmChart')} hint={v.t('overview.rpmChartHint')} id="rpm-chart">
          <AreaLine
            title={v.t('overview.rpmChart')}
            values={rpm.map((r) => r.requests)}
            tooltips={tooltips}
            ticks={ticks}
            format={(x) => formatInt(x)}
            empty={v.t('overview.noData')}
          />
        </Card>
      </div>
      <CacheCard v={v} rates={cache} channelNames={channelNames} />
      <Card
        flush
        title={v.t('overview.recent')}
        actions={
          <a href={site ? '/admin/logs' : '/logs'} class="small">
            {v.t('overview.seeAll')} →
          </a>
        }
      >
        <LogTable v={v} rows={recent.items} showUser={site} compact />
      </Card>
    </>
  );
}
