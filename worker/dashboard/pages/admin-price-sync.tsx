import type { MessageKey } from '../i18n';
import type { PriceSyncOptions } from '../../prices/options';
import type { SyncResult } from '../../prices/sync';
import type { SkipReason } from '../../billing/price-sync-plan';
import { Card, Time } from '../components';
import type { View } from '../view';

const REASONS: Record<SkipReason, MessageKey> = {
  pinned: 'editor.syncReason.pinned',
  missing: 'editor.syncReason.missing',
  half_row: 'editor.syncReason.half_row',
  max_change: 'editor.syncReason.max_change',
  per_call: 'editor.syncReason.per_call',
};

/** The price editor's card for the official prices: the settings, the last sync's result, and the buttons. */
export function PriceSyncCard(props: { v: View; settings: PriceSyncOptions; last: SyncResult | null }) {
  const { v, settings, last } = props;
  const vars = {
    patterns: settings.models.join(', '),
    markup: String(settings.markup),
    max: `${Math.round(settings.max_change * 100)}%`,
  };
  return (
    <Card
      title={v.t('editor.sync')}
      hint={v.t(settings.enabled ? 'editor.syncOn' : 'editor.syncOff', vars)}
      id="price-sync"
      actions={
        <div class="actions">
          <button type="button" class="btn btn-sm" data-price-sync="dry" data-testid="price-sync-dry">
            {v.t('editor.syncDry')}
          </button>
          <button type="button" class="btn btn-sm btn-primary" data-price-sync="run" data-testid="price-sync-run">
            {v.t('editor.syncNow')}
          </button>
        </div>
      }
    >
      <pre class="small mono" data-price-sync-out hidden />
      <div data-testid="price-sync-last">
        {last ? <LastSync v={v} last={last} /> : <p class="muted small">{v.t('editor.syncNever')}</p>}
      </div>
    </Card>
  );
}

function LastSync(props: { v: View; last: SyncResult }) {
  const { v, last } = props;
  return (
    <div class="small">
      <p>
        <Time ms={last.at} />{' '}
        {v.t('editor.syncLast', {
          trigger: last.trigger,
          source: last.source === 'shipped' ? 'model-table.json' : 'source_url',
          changed: last.changed.length,
          skipped: last.skipped.length,
        })}
      </p>
      {last.source_error ? (
        <p class="notice n-warn">{v.t('editor.syncSourceError', { error: last.source_error })}</p>
      ) : null}
      {last.changed.length > 0 ? (
        <p>
          <strong>{v.t('editor.syncChanged')}:</strong>{' '}
          {last.changed
            .map((c) => `${c.model} (${c.before.model_ratio ?? '—'} -> ${c.after.model_ratio ?? '—'})`)
            .join(', ')}
        </p>
      ) : null}
      {last.skipped.length > 0 ? (
        <p>
          <strong>{v.t('editor.syncSkipped')}:</strong>{' '}
          {last.skipped.map((s) => `${s.model} (${v.t(REASONS[s.reason])})`).join(', ')}
        </p>
      ) : null}
    </div>
  );
}
