import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { JOB_NAMES } from '../../maintenance';
import { maintenanceRuns } from '../data';
import { Badge, Card, DataTable, PageHead, Time } from '../components';
import { formatInt, type View, type SignedInView } from '../view';

const tone = (outcome: string) =>
  outcome === 'ok' ? 'green' : outcome === 'partial' ? 'amber' : outcome === 'running' ? 'blue' : 'red';

export async function maintenanceBody(c: Context<AppEnv>, v: SignedInView) {
  const runs = await maintenanceRuns(c.env, 50);
  return (
    <>
      <PageHead title={v.t('maint.title')} sub={v.t('maint.subtitle')} />
      <Card title={v.t('maint.run')}>
        <form
          data-api
          data-method="POST"
          data-path="/api/maintenance/run"
          data-then="reload"
          data-ok={v.t('common.done')}
          data-testid="maintenance-form"
        >
          <p class="form-error" role="alert"></p>
          <div class="checks">
            {JOB_NAMES.map((job) => (
              <label>
                <input type="checkbox" name="jobs" value={job} data-type="checks" /> <span class="mono">{job}</span>
              </label>
            ))}
            <span class="muted small">{v.t('maint.jobsHint')}</span>
          </div>
          <button class="btn btn-primary" type="submit" data-testid="run-maintenance">
            {v.t('maint.run')}
          </button>
        </form>
      </Card>
      <Card flush title={v.t('maint.runs')}>
        <DataTable
          v={v}
          rows={runs.length}
          testid="runs-table"
          head={
            <tr>
              <th>{v.t('maint.job')}</th>
              <th>{v.t('maint.trigger')}</th>
              <th>{v.t('maint.started')}</th>
              <th class="num">{v.t('maint.duration')}</th>
              <th class="num">{v.t('maint.rows')}</th>
              <th>{v.t('maint.outcome')}</th>
              <th>{v.t('maint.error')}</th>
            </tr>
          }
        >
          {runs.map((r) => (
            <tr>
              <td class="mono">{r.job}</td>
              <td class="small">{r.trigger}</td>
              <td>
                <Time ms={r.startedAt} />
              </td>
              <td class="num">{r.finishedAt === null ? '—' : `${formatInt(r.finishedAt - r.startedAt)} ms`}</td>
              <td class="num">{formatInt(r.rows)}</td>
              <td>
                <Badge tone={tone(r.outcome)}>{r.outcome}</Badge>
              </td>
              <td class="small muted" title={r.error ?? ''}>
                {r.error ? r.error.slice(0, 80) : ''}
              </td>
            </tr>
          ))}
        </DataTable>
      </Card>
    </>
  );
}
