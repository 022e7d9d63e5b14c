import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import type { ModelPrice } from '../../billing/charge';
import { loadPricingFromDb } from '../../db/snapshots';
import { shippedOutputLimit } from '../../billing/output-limits';
import { settingsOf } from '../../env';
import { pricingHistory } from '../data';
import { Card, DataTable, PageHead, Time } from '../components';
import type { SignedInView, View } from '../view';

const val = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));

function ModelRow(props: { v: View; m?: ModelPrice; defaultReserve: number }) {
  const { v, m, defaultReserve } = props;
  return (
    <tr data-model-row>
      <td><input name="model" value={m?.model ?? ''} placeholder="gpt-4o-mini" class="mono" aria-label={v.t('common.model')} /></td>
      <td><input name="model_ratio" value={val(m?.modelRatio)} inputmode="decimal" placeholder="—" data-label={`${m?.model ?? ''} ${v.t('pricing.modelRatio')}`} /></td>
      <td><input name="completion_ratio" value={val(m?.completionRatio)} inputmode="decimal" placeholder="1" data-label={`${m?.model ?? ''} ${v.t('pricing.completionRatio')}`} /></td>
      <td><input name="cache_ratio" value={val(m?.cacheRatio)} inputmode="decimal" placeholder="1" data-label={`${m?.model ?? ''} ${v.t('pricing.cacheRatio')}`} /></td>
      <td><input name="price_per_call" value={val(m?.pricePerCall)} inputmode="decimal" placeholder="—" data-label={`${m?.model ?? ''} ${v.t('pricing.perCall')}`} /></td>
      <td>
        <input name="max_output_tokens" value={val(m?.maxOutputTokens)} inputmode="numeric" placeholder={val(m ? shippedOutputLimit(m.model) : null) || String(defaultReserve)}
          title={v.t('editor.maxOutputHint')} data-label={`${m?.model ?? ''} ${v.t('editor.maxOutput')}`} />
      </td>
      <td class="num small nowrap" data-preview>—</td>
      <td class="right"><button type="button" class="btn btn-sm btn-danger" data-remove-row>{v.t('common.remove')}</button></td>
    </tr>
  );
}

function GroupRow(props: { v: View; name?: string; ratio?: number }) {
  const { v } = props;
  return (
    <tr data-group-row>
      <td><input name="group" value={props.name ?? ''} placeholder="vip" class="mono" aria-label={v.t('common.group')} /></td>
      <td><input name="ratio" value={val(props.ratio)} inputmode="decimal" placeholder="1" data-label={`${props.name ?? ''} ${v.t('editor.ratio')}`} /></td>
      <td class="right"><button type="button" class="btn btn-sm btn-danger" data-remove-row>{v.t('common.remove')}</button></td>
    </tr>
  );
}

export async function pricingEditorBody(c: Context<AppEnv>, v: SignedInView) {
  const [pricing, history] = await Promise.all([loadPricingFromDb(c.env), pricingHistory(c.env, 10)]);
  const models = Object.values(pricing.models);
  const defaultReserve = settingsOf(c.env).DEFAULT_COMPLETION_RESERVE;
  const groups = Object.entries(pricing.groups);
  const original = JSON.stringify({ models: models.map((m) => m.model), groups: groups.map(([name]) => name) });
  return (
    <div data-pricing-editor data-original={original}>
      <PageHead title={v.t('editor.title')} sub={v.t('editor.subtitle')}>
        <button type="button" class="btn btn-primary" data-save-pricing data-testid="save-pricing">{v.t('editor.saveAll')}</button>
      </PageHead>
      <p class="form-error notice n-err" role="alert"></p>
      <Card flush title={v.t('editor.models')} actions={<button type="button" class="btn btn-sm" data-add-row="model-row-template">+ {v.t('editor.addModel')}</button>}>
        <div class="table-wrap">
          <table class="ed" data-testid="price-editor">
            <thead>
              <tr>
                <th>{v.t('common.model')}</th>
                <th>{v.t('editor.modelRatio')}</th>
                <th>{v.t('editor.completionRatio')}</th>
                <th>{v.t('editor.cacheRatio')}</th>
                <th>{v.t('editor.perCallUsd')}</th>
                <th>{v.t('editor.maxOutput')}</th>
                <th class="num">{v.t('editor.preview')}</th>
                <th />
              </tr>
            </thead>
            <tbody id="model-rows">{models.map((m) => <ModelRow v={v} m={m} defaultReserve={defaultReserve} />)}</tbody>
          </table>
        </div>
        <template id="model-row-template" data-into="model-rows"><ModelRow v={v} defaultReserve={defaultReserve} /></template>
      </Card>
      <div class="grid cols-2">
        <Card flush title={v.t('editor.groups')} actions={<button type="button" class="btn btn-sm" data-add-row="group-row-template">+ {v.t('editor.addGroup')}</button>}>
          <table class="ed">
            <thead>
              <tr><th>{v.t('common.group')}</th><th>{v.t('editor.ratio')}</th><th /></tr>
            </thead>
            <tbody id="group-rows">{groups.map(([name, g]) => <GroupRow v={v} name={name} ratio={g.ratio} />)}</tbody>
          </table>
          <template id="group-row-template" data-into="group-rows"><GroupRow v={v} /></template>
        </Card>
        <Card flush title={v.t('editor.history')}>
          <DataTable v={v} rows={history.length}
            head={
              <tr><th>{v.t('common.time')}</th><th>{v.t('editor.by')}</th><th>{v.t('editor.change')}</th></tr>
            }
          >
            {history.map((h) => {
              const change = JSON.stringify(h.change);
              return (
              <tr>
                <td><Time ms={h.changedAt} /></td>
                <td>{h.username ?? (h.changedBy === null ? '—' : `#${h.changedBy}`)}</td>
                <td class="mono small" title={change}>{change.length > 80 ? `${change.slice(0, 80)}…` : change}</td>
              </tr>
              );
            })}
          </DataTable>
        </Card>
      </div>
    </div>
  );
}
