import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import type { ModelPrice } from '../../billing/charge';
import { loadPricingFromDb } from '../../db/snapshots';
import { shippedOutputLimit } from '../../billing/output-limits';
import { shippedRates } from '../../billing/shipped-prices';
import { globMatch } from '../../billing/price-sync-plan';
import type { PriceTier } from '../../billing/charge';
import { loadPriceSync, type PriceSyncOptions } from '../../prices/options';
import { lastSync } from '../../prices/sync';
import { PriceSyncCard } from './admin-price-sync';
import { settingsOf } from '../../env';
import { pricingHistory } from '../data';
import { Card, DataTable, PageHead, Time } from '../components';
import type { SignedInView, View } from '../view';

const val = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));
/** Tiers as the editor writes them: `above:prompt:completion`, comma-separated. */
const tiersText = (tiers: PriceTier[] | null | undefined) =>
  tiers
    ? tiers.map((t) => `${t.above_prompt_tokens}:${t.prompt_multiplier}:${t.completion_multiplier}`).join(', ')
    : '';

/** Whether the price sync follows the model (pinned, following, or neither). */
function SyncBadge(props: { v: View; m: ModelPrice; sync: PriceSyncOptions }) {
  const { v, m, sync } = props;
  if (m.pinned)
    return (
      <span class="badge b-amber" data-sync-state="pinned">
        {v.t('editor.pinnedBadge')}
      </span>
    );
  if (m.pricePerCall === null && sync.models.some((p) => globMatch(p, m.model)))
    return (
      <span class="badge b-green" data-sync-state="follows">
        {v.t('editor.follows')}
      </span>
    );
  return null;
}

function ModelRow(props: { v: View; m?: ModelPrice; defaultReserve: number; sync: PriceSyncOptions }) {
  const { v, m, defaultReserve, sync } = props;
  const shipped = m ? shippedRates(m.model) : null;
  const label = (key: Parameters<View['t']>[0]) => `${m?.model ?? ''} ${v.t(key)}`;
  return (
    <tr data-model-row>
      <td>
        <input
          name="model"
          value={m?.model ?? ''}
          placeholder="gpt-4o-mini"
          class="mono"
          aria-label={v.t('common.model')}
        />
        {m ? <SyncBadge v={v} m={m} sync={sync} /> : null}
      </td>
      <td>
        <input
          name="model_ratio"
          value={val(m?.modelRatio)}
          inputmode="decimal"
          placeholder="—"
          data-label={`${m?.model ?? ''} ${v.t('pricing.modelRatio')}`}
        />
      </td>
      <td>
        <input
          name="completion_ratio"
          value={val(m?.completionRatio)}
          inputmode="decimal"
          placeholder="1"
          data-label={`${m?.model ?? ''} ${v.t('pricing.completionRatio')}`}
        />
      </td>
      <td>
        <input
          name="cache_ratio"
          value={val(m?.cacheRatio)}
          inputmode="decimal"
          placeholder="1"
          data-label={`${m?.model ?? ''} ${v.t('pricing.cacheRatio')}`}
        />
      </td>
      <td>
        <input
          name="cache_write_ratio"
          value={val(m?.cacheWriteRatio)}
          inputmode="decimal"
          placeholder={val(shipped?.cache_write_ratio) || '1'}
          data-label={label('editor.cacheWriteRatio')}
        />
      </td>
      <td>
        <input
          name="cache_write_1h_ratio"
          value={val(m?.cacheWrite1hRatio)}
          inputmode="decimal"
          placeholder={val(shipped?.cache_write_1h_ratio ?? shipped?.cache_write_ratio) || '1'}
          data-label={label('editor.cacheWrite1hRatio')}
        />
      </td>
      <td>
        <input
          name="tiers"
          value={tiersText(m?.tiers)}
          placeholder={tiersText(shipped?.tiers) || '—'}
          class="mono"
          title={v.t('editor.tiersHint')}
          data-label={label('editor.tiers')}
        />
      </td>
      <td>
        <input
          type="checkbox"
          name="pinned"
          checked={m?.pinned ?? false}
          title={v.t('editor.pinnedHint')}
          aria-label={label('editor.pinned')}
          data-testid="pin-toggle"
        />
      </td>
      <td>
        <input
          name="price_per_call"
          value={val(m?.pricePerCall)}
          inputmode="decimal"
          placeholder="—"
          data-label={`${m?.model ?? ''} ${v.t('pricing.perCall')}`}
        />
      </td>
      <td>
        <input
          name="max_output_tokens"
          value={val(m?.maxOutputTokens)}
          inputmode="numeric"
          placeholder={val(m ? shippedOutputLimit(m.model) : null) || String(defaultReserve)}
          title={v.t('editor.maxOutputHint')}
          data-label={`${m?.model ?? ''} ${v.t('editor.maxOutput')}`}
        />
      </td>
      <td class="num small nowrap" data-preview>
        —
      </td>
      <td class="right">
        <button type="button" class="btn btn-sm btn-danger" data-remove-row>
          {v.t('common.remove')}
        </button>
      </td>
    </tr>
  );
}

function GroupRow(props: { v: View; name?: string; ratio?: number }) {
  const { v } = props;
  return (
    <tr data-group-row>
      <td>
        <input name="group" value={props.name ?? ''} placeholder="vip" class="mono" aria-label={v.t('common.group')} />
      </td>
      <td>
        <input
          name="ratio"
          value={val(props.ratio)}
          inputmode="decimal"
          placeholder="1"
          data-label={`${props.name ?? ''} ${v.t('editor.ratio')}`}
        />
      </td>
      <td class="right">
        <button type="button" class="btn btn-sm btn-danger" data-remove-row>
          {v.t('common.remove')}
        </button>
      </td>
    </tr>
  );
}

export async function pricingEditorBody(c: Context<AppEnv>, v: SignedInView) {
  const [pricing, history, sync, last] = await Promise.all([
    loadPricingFromDb(c.env),
    pricingHistory(c.env, 10),
    loadPriceSync(c.env),
    lastSync(c.env),
  ]);
  const models = Object.values(pricing.models);
  const defaultReserve = settingsOf(c.env).DEFAULT_COMPLETION_RESERVE;
  const groups = Object.entries(pricing.groups);
  const original = JSON.stringify({ models: models.map((m) => m.model), groups: groups.map(([name]) => name) });
  return (
    <div data-pricing-editor data-original={original}>
      <PageHead title={v.t('editor.title')} sub={v.t('editor.subtitle')}>
        <button type="button" class="btn btn-primary" data-save-pricing data-testid="save-pricing">
          {v.t('editor.saveAll')}
        </button>
      </PageHead>
      <p class="form-error notice n-err" role="alert"></p>
      <Card
        flush
        title={v.t('editor.models')}
        actions={
          <button type="button" class="btn btn-sm" data-add-row="model-row-template">
            + {v.t('editor.addModel')}
          </button>
        }
      >
        <div class="table-wrap">
          <table class="ed" data-testid="price-editor">
            <thead>
              <tr>
                <th>{v.t('common.model')}</th>
                <th>{v.t('editor.modelRatio')}</th>
                <th>{v.t('editor.completionRatio')}</th>
                <th>{v.t('editor.cacheRatio')}</th>
                <th>{v.t('editor.cacheWriteRatio')}</th>
                <th>{v.t('editor.cacheWrite1hRatio')}</th>
                <th title={v.t('editor.tiersHint')}>{v.t('editor.tiers')}</th>
                <th title={v.t('editor.pinnedHint')}>{v.t('editor.pinned')}</th>
                <th>{v.t('editor.perCallUsd')}</th>
                <th>{v.t('editor.maxOutput')}</th>
                <th class="num">{v.t('editor.preview')}</th>
                <th />
              </tr>
            </thead>
            <tbody id="model-rows">
              {models.map((m) => (
                <ModelRow v={v} m={m} defaultReserve={defaultReserve} sync={sync} />
              ))}
            </tbody>
          </table>
        </div>
        <template id="model-row-template" data-into="model-rows">
          <ModelRow v={v} defaultReserve={defaultReserve} sync={sync} />
        </template>
      </Card>
      <PriceSyncCard v={v} settings={sync} last={last} />
      <div class="grid cols-2">
        <Card
          flush
          title={v.t('editor.groups')}
          actions={
            <button type="button" class="btn btn-sm" data-add-row="group-row-template">
              + {v.t('editor.addGroup')}
            </button>
          }
        >
          <table class="ed">
            <thead>
              <tr>
                <th>{v.t('common.group')}</th>
                <th>{v.t('editor.ratio')}</th>
                <th />
              </tr>
            </thead>
            <tbody id="group-rows">
              {groups.map(([name, g]) => (
                <GroupRow v={v} name={name} ratio={g.ratio} />
              ))}
            </tbody>
          </table>
          <template id="group-row-template" data-into="group-rows">
            <GroupRow v={v} />
          </template>
        </Card>
        <Card flush title={v.t('editor.history')}>
          <DataTable
            v={v}
            rows={history.length}
            head={
              <tr>
                <th>{v.t('common.time')}</th>
                <th>{v.t('editor.by')}</th>
                <th>{v.t('editor.change')}</th>
              </tr>
            }
          >
            {history.map((h) => {
              const change = JSON.stringify(h.change);
              return (
                <tr>
                  <td>
                    <Time ms={h.changedAt} />
                  </td>
                  <td>
                    {h.source === 'sync'
                      ? v.t('editor.bySync')
                      : (h.username ?? (h.changedBy === null ? '—' : `#${h.changedBy}`))}
                  </td>
                  <td class="mono small" title={change}>
                    {change.length > 80 ? `${change.slice(0, 80)}…` : change}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        </Card>
      </div>
    </div>
  );
}
