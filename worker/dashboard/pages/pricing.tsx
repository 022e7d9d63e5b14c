import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { QUOTA_PER_USD, effectiveRates, type PriceTier } from '../../billing/charge';
import { loadPricingFromDb } from '../../db/snapshots';
import { userGroupOf } from '../data';
import { Card, DataTable, PageHead } from '../components';
import { formatInt, type View } from '../view';
import { PriceHistory } from './price-history';

/** Ratio 1 is $0.002 per 1K tokens, so $2 per million. */
const USD_PER_M_AT_RATIO_1 = 2;

const ratio = (x: number) => String(Number(x.toPrecision(12)));

const tierLines = (v: View, tiers: PriceTier[]) =>
  tiers.map((t) =>
    v.t('pricing.tierText', {
      tokens: formatInt(t.above_prompt_tokens),
      p: ratio(t.prompt_multiplier),
      c: ratio(t.completion_multiplier),
    }),
  );

/** Public: every priced model for the viewer's group (or the group asked for), with its ratios. */
export async function pricingBody(c: Context<AppEnv>, v: View) {
  const pricing = await loadPricingFromDb(c.env);
  const own = v.session ? ((await userGroupOf(c.env, v.session.id)) ?? undefined) : undefined;
  const asked = c.req.query('group');
  const groupNames = [...new Set(['default', ...Object.keys(pricing.groups), ...(own ? [own] : [])])].sort();
  const group = asked && groupNames.includes(asked) ? asked : (own ?? 'default');
  const g = pricing.groups[group]?.ratio ?? 1;
  const models = Object.values(pricing.models).filter((m) => m.pricePerCall !== null || m.modelRatio !== null);
  const rateNote = v.currency === 'CNY' ? v.t('pricing.rateNote', { rate: v.rate }) : '';
  return (
    <>
      <PageHead title={v.t('pricing.title')} sub={v.t('pricing.subtitle', { group, ratio: ratio(g) })}>
        <form method="get" action="/pricing" class="actions">
          <label class="small muted" for="group-pick">
            {v.t('pricing.groupLabel')}
          </label>
          <select id="group-pick" name="group" style="width:auto">
            {groupNames.map((name) => (
              <option value={name} selected={name === group}>
                {name}
              </option>
            ))}
          </select>
          <button class="btn" type="submit">
            {v.t('common.filter')}
          </button>
        </form>
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={models.length}
          testid="pricing-table"
          empty={v.t('pricing.none')}
          head={
            <tr>
              <th>{v.t('common.model')}</th>
              <th class="num">{v.t('pricing.input')}</th>
              <th class="num">{v.t('pricing.output')}</th>
              <th class="num">{v.t('pricing.cachedInput')}</th>
              <th class="num">{v.t('pricing.cacheWrite')}</th>
              <th class="num">{v.t('pricing.cacheWrite1h')}</th>
              <th class="num">{v.t('pricing.perCall')}</th>
              <th>{v.t('pricing.ratios')}</th>
            </tr>
          }
        >
          {models.map((m) => {
            const perCall = m.pricePerCall !== null;
            const input = (m.modelRatio ?? 0) * g * USD_PER_M_AT_RATIO_1;
            const dash = <span class="muted">—</span>;
            const rates = effectiveRates(m);
            return (
              <tr data-model={m.model}>
                <td>
                  <span class="mono">{m.model}</span>
                </td>
                <td class="num" data-testid="price-input">
                  {perCall ? dash : v.usd(input)}
                </td>
                <td class="num" data-testid="price-output">
                  {perCall ? dash : v.usd(input * (m.completionRatio ?? 1))}
                </td>
                <td class="num">{perCall ? dash : v.usd(input * (m.cacheRatio ?? 1))}</td>
                <td class="num" data-testid="price-cache-write">
                  {perCall ? dash : v.usd(input * rates.cacheWriteRatio)}
                </td>
                <td class="num" data-testid="price-cache-write-1h">
                  {perCall ? dash : v.usd(input * rates.cacheWrite1hRatio)}
                </td>
                <td class="num" data-testid="price-call">
                  {perCall ? v.usd((m.pricePerCall ?? 0) * g) : dash}
                </td>
                <td class="small muted nowrap">
                  {perCall
                    ? `${v.t('pricing.perCall')} ${ratio(m.pricePerCall ?? 0)} USD`
                    : `${v.t('pricing.modelRatio')} ${ratio(m.modelRatio ?? 0)} · ${v.t('pricing.completionRatio')} ${ratio(m.completionRatio ?? 1)} · ${v.t('pricing.cacheRatio')} ${ratio(m.cacheRatio ?? 1)} · ${v.t('pricing.cacheWriteRatio')} ${ratio(rates.cacheWriteRatio)} · ${v.t('pricing.cacheWrite1hRatio')} ${ratio(rates.cacheWrite1hRatio)}`}
                  {!perCall && rates.tiers.length > 0 && (
                    <div data-testid="price-tiers">
                      {v.t('pricing.tiers')}: {tierLines(v, rates.tiers).join('; ')}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      </Card>
      <p class="small muted">{v.t('pricing.unitNote', { units: formatInt(QUOTA_PER_USD), rateNote })}</p>
      <PriceHistory c={c} v={v} />
    </>
  );
}
