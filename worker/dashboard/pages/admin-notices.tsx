/** The operator's mail page: every notice with its status; re-send failed, dead or unsent ones. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { settingsOf } from '../../env';
import { dbOf } from '../../db/client';
import { noticesPage, type NoticeStatus } from '../../db/notices';
import { NOTICE_STATUSES } from '../../db/schema';
import { Card, DataTable, PageHead, Time } from '../components';
import { withParam, withoutParam, type SignedInView } from '../view';

const STATUS_TAG: Record<NoticeStatus, string> = {
  queued: '',
  sending: '',
  sent: 'ok',
  failed: 'warn',
  not_sent: 'warn',
  dead: 'err',
};

export async function noticesBody(c: Context<AppEnv>, v: SignedInView) {
  const asked = c.req.query('status');
  const status = NOTICE_STATUSES.find((s) => s === asked);
  const cursorText = c.req.query('cursor') ?? '';
  const cursor = /^\d{1,12}$/.test(cursorText) ? Number(cursorText) : undefined;
  const rows = await noticesPage(dbOf(c.env.DB), { status, cursor, limit: 101 });
  const items = rows.slice(0, 100);
  const next = rows.length > 100 ? items[items.length - 1].id : null;
  return (
    <>
      <PageHead title={v.t('notices.title')} sub={v.t('notices.subtitle')}>
        <a class={`btn btn-sm${status ? '' : ' btn-primary'}`} href={withoutParam(v.url, 'status')}>
          {v.t('notices.all')}
        </a>
        {NOTICE_STATUSES.map((s) => (
          <a class={`btn btn-sm${status === s ? ' btn-primary' : ''}`} href={withParam(v.url, 'status', s)}>
            {s}
          </a>
        ))}
      </PageHead>
      {settingsOf(c.env).SMTP_URL ? null : (
        <Card class="notice">
          <p data-testid="no-smtp">{v.t('notices.noSmtp')}</p>
        </Card>
      )}
      <Card flush>
        <DataTable
          v={v}
          rows={items.length}
          testid="notices"
          empty={v.t('notices.none')}
          head={
            <tr>
              <th>{v.t('common.time')}</th>
              <th>{v.t('notices.kind')}</th>
              <th>{v.t('notices.to')}</th>
              <th>{v.t('notices.subject')}</th>
              <th>{v.t('notices.status')}</th>
              <th class="num">{v.t('notices.attempts')}</th>
              <th>{v.t('notices.error')}</th>
              <th></th>
            </tr>
          }
        >
          {items.map((n) => (
            <tr data-notice={n.id}>
              <td>
                <Time ms={n.createdAt} />
              </td>
              <td>
                <span class="tag">{n.kind}</span>
              </td>
              <td class="mono small">{n.to || '—'}</td>
              <td>{n.subject}</td>
              <td>
                <span class={`tag ${STATUS_TAG[n.status]}`} data-testid="notice-status">
                  {n.status}
                </span>
              </td>
              <td class="num">{n.attempts}</td>
              <td class="small muted">{n.lastError ?? ''}</td>
              <td>
                {n.status === 'sending' ? null : (
                  <button
                    type="submit"
                    class="btn btn-sm"
                    data-call={`/api/notices/${n.id}/resend`}
                    data-method="POST"
                    data-testid="notice-resend"
                  >
                    {v.t('notices.resend')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
        {next !== null ? (
          <div class="pager">
            <a class="btn btn-sm" href={withParam(v.url, 'cursor', String(next))}>
              {v.t('common.older')}
            </a>
          </div>
        ) : null}
      </Card>
    </>
  );
}
