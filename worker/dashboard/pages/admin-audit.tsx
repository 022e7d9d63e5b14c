/** The operator's audit page: every admin change, newest first, filtered by action or admin. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { dbOf } from '../../db/client';
import { auditPage } from '../../db/audit';
import { Card, DataTable, PageHead, Time } from '../components';
import { withParam, type SignedInView } from '../view';

const idParam = (text: string | undefined) => (text && /^\d{1,12}$/.test(text) ? Number(text) : undefined);

export async function auditBody(c: Context<AppEnv>, v: SignedInView) {
  const asked = c.req.query('action');
  const action = asked && /^[a-z_.]{1,64}$/.test(asked) ? asked : undefined;
  const actorId = idParam(c.req.query('actor'));
  const page = await auditPage(dbOf(c.env.DB), { cursor: idParam(c.req.query('cursor')), actorId, action, limit: 100 });
  return (
    <>
      <PageHead title={v.t('audit.title')} sub={v.t('audit.subtitle')}>
        {action || actorId ? (
          <a class="btn btn-sm" href={v.url.pathname}>
            {v.t('audit.all')}
          </a>
        ) : null}
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={page.items.length}
          testid="audit"
          empty={v.t('audit.none')}
          head={
            <tr>
              <th>{v.t('common.time')}</th>
              <th>{v.t('audit.actor')}</th>
              <th>{v.t('audit.action')}</th>
              <th>{v.t('audit.target')}</th>
              <th>{v.t('audit.summary')}</th>
              <th>{v.t('audit.ip')}</th>
            </tr>
          }
        >
          {page.items.map((r) => (
            <tr data-audit={r.id}>
              <td>
                <Time ms={r.at} />
              </td>
              <td>
                <a href={withParam(v.url, 'actor', String(r.actorId))}>#{r.actorId}</a>
              </td>
              <td>
                <a class="tag mono" href={withParam(v.url, 'action', r.action)} data-testid="audit-action">
                  {r.action}
                </a>
              </td>
              <td class="mono small">{r.target ?? '—'}</td>
              <td data-testid="audit-summary">{r.summary}</td>
              <td class="mono small muted">{r.ip ?? ''}</td>
            </tr>
          ))}
        </DataTable>
        {page.next !== null ? (
          <div class="pager">
            <a class="btn btn-sm" href={withParam(v.url, 'cursor', String(page.next))}>
              {v.t('common.older')}
            </a>
          </div>
        ) : null}
      </Card>
    </>
  );
}
