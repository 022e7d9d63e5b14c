import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { CHANNEL_TYPES } from '../../relay/providers';
import { cacheRatesOf, channelsWithHealth, type ChannelView } from '../data';
import type { CacheRate } from '../../db/cache-stats';
import { ChannelCacheCell } from './cache-rates';
import { Card, DataTable, Field, FormDialog, PageHead, StatusBadge } from '../components';
import { formatInt, type View, type SignedInView } from '../view';

function Health(props: { v: View; ch: ChannelView }) {
  const { v, ch } = props;
  const h = ch.health;
  const dot =
    h.state === 'closed'
      ? h.consecutive_failures > 0
        ? 'd-amber'
        : 'd-green'
      : h.state === 'open'
        ? 'd-red'
        : 'd-amber';
  return (
    <div data-testid="channel-health" data-state={h.state}>
      <span class={`dot ${dot}`} />
      {v.t(`health.${h.state}` as const)}
      {h.consecutive_failures > 0 ? (
        <div class="cell-sub">{v.t('channels.failures', { n: h.consecutive_failures })}</div>
      ) : null}
      {h.last_error ? (
        <div class="cell-sub" title={h.last_error}>
          {v.t('channels.lastError')}: {h.last_error.slice(0, 60)}
        </div>
      ) : null}
    </div>
  );
}

/** Each upstream key's state by index (never the key): a set-aside key shows its error and an enable button. */
function KeyStates(props: { v: View; ch: ChannelView }) {
  const { v, ch } = props;
  const aside = ch.key_states.filter((k) => k.state === 'disabled');
  return (
    <div class="cell-sub" data-testid="key-states">
      {aside.length === 0 ? (
        <span data-testid="keys-all-ok">{v.t('channels.keysAllOk')}</span>
      ) : (
        aside.map((k) => (
          <div data-key-index={k.index} data-key-state={k.state}>
            <span class="dot d-red" />
            <span title={k.last_error ?? ''}>
              {v.t('channels.keyDisabled', { index: k.index })}
              {k.last_error ? `: ${k.last_error.slice(0, 40)}` : ''}
            </span>{' '}
            <button
              type="button"
              class="btn btn-sm"
              data-call={`/api/channels/${ch.id}/keys/${k.index}/enable`}
              data-testid="enable-key"
            >
              {v.t('channels.keyEnable')}
            </button>
          </div>
        ))
      )}
    </div>
  );
}

function ChannelRow(props: { v: View; ch: ChannelView; cache: CacheRate | undefined }) {
  const { v, ch } = props;
  const fill = {
    name: ch.name,
    type: ch.type,
    base_url: ch.base_url,
    models: ch.models,
    groups: ch.groups,
    model_mapping: ch.model_mapping,
    responses: ch.responses,
    priority: ch.priority,
    weight: ch.weight,
    status: ch.status === 'disabled' ? 'disabled' : 'enabled',
  };
  return (
    <tr data-channel-id={ch.id} data-channel-name={ch.name}>
      <td>
        <div>
          <strong>{ch.name}</strong> <span class="muted small">#{ch.id}</span>
        </div>
        <div class="cell-sub">
          <span class="tag">{ch.type}</span> <span class="mono">{ch.base_url}</span>
        </div>
      </td>
      <td>
        <span title={ch.models.join(', ')}>
          {ch.models.slice(0, 3).map((m) => (
            <span class="tag mono">{m}</span>
          ))}
          {ch.models.length > 3 ? <span class="muted small">+{ch.models.length - 3}</span> : null}
        </span>
        <div class="cell-sub">
          {ch.groups.join(', ')} · {v.t('channels.keyCount', { n: ch.key_count })}
        </div>
      </td>
      <td class="num">
        {ch.priority} / {ch.weight}
      </td>
      <td>
        <StatusBadge v={v} status={ch.status} title={ch.status_reason} />
      </td>
      <td>
        <Health v={v} ch={ch} />
        <KeyStates v={v} ch={ch} />
      </td>
      <td class="num" data-testid="channel-latency">
        {ch.health.latency_ms === null ? <span class="muted">—</span> : `${formatInt(ch.health.latency_ms)} ms`}
      </td>
      <ChannelCacheCell v={v} r={props.cache} />
      <td>
        <div class="actions">
          <button
            type="submit"
            class="btn btn-sm"
            data-call={`/api/channels/${ch.id}/test`}
            data-then="test"
            data-result={`test-${ch.id}`}
            data-testid="test-channel"
          >
            {v.t('channels.test')}
          </button>
          <button
            type="submit"
            class="btn btn-sm"
            data-open="channel-form"
            data-form-method="PATCH"
            data-form-path={`/api/channels/${ch.id}`}
            data-form-mode="edit"
            data-title={v.t('channels.editTitle')}
            data-fill={JSON.stringify(fill)}
            data-keys-hint={v.t('channels.keysEditHint', { n: ch.key_count })}
          >
            {v.t('common.edit')}
          </button>
          {ch.status === 'enabled' ? (
            <button
              type="submit"
              class="btn btn-sm"
              data-call={`/api/channels/${ch.id}`}
              data-method="PATCH"
              data-body='{"status":"disabled"}'
            >
              {v.t('common.disable')}
            </button>
          ) : (
            <button
              type="submit"
              class="btn btn-sm"
              data-call={`/api/channels/${ch.id}`}
              data-method="PATCH"
              data-body='{"status":"enabled"}'
            >
              {v.t('common.enable')}
            </button>
          )}
          <button
            type="submit"
            class="btn btn-sm btn-danger"
            data-call={`/api/channels/${ch.id}`}
            data-method="DELETE"
            data-confirm={v.t('common.confirmDelete', { name: ch.name })}
          >
            {v.t('common.delete')}
          </button>
        </div>
        <div id={`test-${ch.id}`} class="cell-sub" data-testid="test-result" aria-live="polite"></div>
      </td>
    </tr>
  );
}

function ChannelForm(props: { v: View }) {
  const { v } = props;
  return (
    <FormDialog
      id="channel-form"
      v={v}
      title={v.t('channels.createTitle')}
      method="POST"
      path="/api/channels"
      mode="create"
    >
      <div class="row2">
        <Field label={v.t('common.name')}>
          <input name="name" required maxlength={64} data-empty="omit" />
        </Field>
        <Field label={v.t('channels.type')}>
          <select name="type">
            {CHANNEL_TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={v.t('channels.baseUrl')}>
        <input name="base_url" type="url" required placeholder="https://api.openai.com" data-empty="omit" />
      </Field>
      <label class="field">
        <span>{v.t('channels.keys')}</span>
        <textarea
          name="keys"
          data-type="list"
          data-empty="omit"
          rows={2}
          autocomplete="off"
          spellcheck={false}
        ></textarea>
        <small class="only-create">{v.t('channels.keysHint')}</small>
        <small class="only-edit" data-slot="keys-hint"></small>
      </label>
      <Field label={v.t('common.models')} hint={v.t('common.listHintPlain')}>
        <textarea
          name="models"
          data-type="list"
          data-empty="omit"
          rows={2}
          placeholder="gpt-4o-mini, gpt-4o"
        ></textarea>
      </Field>
      <div class="row2">
        <Field label={v.t('channels.groups')} hint={v.t('channels.groupsHint')}>
          <input name="groups" data-type="list" data-empty="omit" />
        </Field>
        <Field label={v.t('common.status')}>
          <select name="status">
            <option value="enabled">{v.t('status.enabled')}</option>
            <option value="disabled">{v.t('status.disabled')}</option>
          </select>
        </Field>
      </div>
      <div class="row2">
        <Field label={v.t('channels.priority')}>
          <input
            name="priority"
            data-type="int"
            data-empty="omit"
            inputmode="numeric"
            placeholder="0"
            data-label={v.t('channels.priority')}
          />
        </Field>
        <Field label={v.t('channels.weight')}>
          <input
            name="weight"
            data-type="int"
            data-empty="omit"
            inputmode="numeric"
            placeholder="1"
            data-label={v.t('channels.weight')}
          />
        </Field>
      </div>
      <Field label={v.t('channels.mapping')} hint={v.t('channels.mappingHint')}>
        <textarea
          name="model_mapping"
          data-type="json"
          rows={2}
          class="mono"
          data-label={v.t('channels.mapping')}
        ></textarea>
      </Field>
      <Field label={v.t('channels.responses')} hint={v.t('channels.responsesHint')}>
        <select name="responses" data-type="json">
          <option value="true">{v.t('channels.responsesNative')}</option>
          <option value="false">{v.t('channels.responsesConverted')}</option>
        </select>
      </Field>
    </FormDialog>
  );
}

export async function channelsBody(c: Context<AppEnv>, v: SignedInView) {
  const [channels, cache] = await Promise.all([channelsWithHealth(c.env), cacheRatesOf(c.env, null)]);
  const cacheOf = new Map(cache.byChannel.map((r) => [r.channelId, r]));
  return (
    <>
      <PageHead title={v.t('channels.title')} sub={v.t('channels.subtitle')}>
        <button
          type="submit"
          class="btn btn-primary"
          data-open="channel-form"
          data-form-method="POST"
          data-form-path="/api/channels"
          data-form-mode="create"
          data-title={v.t('channels.createTitle')}
        >
          + {v.t('channels.new')}
        </button>
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={channels.length}
          testid="channel-table"
          head={
            <tr>
              <th>{v.t('common.name')}</th>
              <th>{v.t('common.models')}</th>
              <th class="num">
                {v.t('channels.priority')} / {v.t('channels.weight')}
              </th>
              <th>{v.t('common.status')}</th>
              <th>{v.t('channels.health')}</th>
              <th class="num">{v.t('channels.latency')}</th>
              <th class="num">{v.t('cache.column')}</th>
              <th>{v.t('common.actions')}</th>
            </tr>
          }
        >
          {channels.map((ch) => (
            <ChannelRow v={v} ch={ch} cache={cacheOf.get(ch.id)} />
          ))}
        </DataTable>
      </Card>
      <ChannelForm v={v} />
    </>
  );
}
