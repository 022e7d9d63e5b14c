import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { logsPage, recentModels, tokensOf, userIdByName, type LogFilter, type LogEntry } from '../data';
import { Badge, Card, DataTable, PageHead, Time } from '../components';
import { formatInt, withParam, withoutParam, type View, type SignedInView } from '../view';

const DAY = 86_400_000;
const PAGE = 50;

export function LogTable(props: { v: View; rows: LogEntry[]; showUser: boolean; compact?: boolean }) {
  const { v, rows } = props;
  const head = (
    <tr>
      <th>{v.t('common.time')}</th>
      {props.showUser ? <th>{v.t('common.user')}</th> : null}
      <th>{v.t('logs.key')}</th>
      <th>{v.t('common.model')}</th>
      <th class="num">{v.t('logs.tokens')}</th>
      <th class="num">{v.t('logs.charge')}</th>
      <th>{v.t('logs.ip')}</th>
      <th>{v.t('common.status')}</th>
      <th class="num">{v.t('logs.latency')}</th>
    </tr>
  );
  return (
    <DataTable v={v} rows={rows.length} testid="log-table" head={head}>
      {rows.map((r) => (
        <tr data-log-id={r.id}>
          <td>
            <Time ms={r.createdAt} />
          </td>
          {props.showUser ? <td>{r.username ?? `#${r.userId}`}</td> : null}
          <td>{r.tokenName ?? <span class="muted">{r.tokenId ? v.t('logs.deletedKey') : '—'}</span>}</td>
          <td>
            <span class="mono">{r.model}</span>
            {r.isStream ? (
              <>
                {' '}
                <Badge tone="blue">{v.t('logs.stream')}</Badge>
              </>
            ) : null}
            {r.sessionHash && !props.compact ? (
              <div class="cell-sub mono" title={`${v.t('logs.session')}: ${r.sessionHash}`} data-testid="log-session">
                {v.t('logs.session')} {r.sessionHash.slice(0, 8)}
              </div>
            ) : null}
          </td>
          <td
            class="num"
            title={v.t('logs.tokensTitle', {
              p: r.promptTokens,
              c: r.completionTokens,
              cached: r.cachedTokens ? v.t('logs.cached', { k: r.cachedTokens }) : '',
            })}
          >
            {formatInt(r.promptTokens + r.completionTokens)}
            {props.compact ? null : (
              <div class="cell-sub">
                {formatInt(r.promptTokens)} + {formatInt(r.completionTokens)}
                {r.usageCounted ? ` · ${v.t('logs.counted')}` : ''}
              </div>
            )}
            {r.cacheRead ? (
              <div>
                <Badge tone="violet">{v.t('logs.cacheRead')}</Badge>
              </div>
            ) : null}
          </td>
          <td class="num">
            {v.money(r.quota)}
            {r.capped ? (
              <div>
                <Badge tone="amber">{v.t('logs.capped')}</Badge>
              </div>
            ) : null}
          </td>
          <td class="nowrap" data-testid="log-ip">
            {r.ip ? <span class="mono">{r.ip}</span> : <span class="muted">—</span>}
            {r.ip && r.ipFirstSeen ? (
              <>
                {' '}
                <Badge tone="amber" title={v.t('logs.newIpTitle')}>
                  {v.t('logs.newIp')}
                </Badge>
              </>
            ) : null}
          </td>
          <td>
            <Badge
              tone={r.status >= 200 && r.status < 300 ? 'green' : r.status === 499 ? 'gray' : 'red'}
              title={r.errorCode ?? undefined}
            >
              {r.status}
            </Badge>
            {r.errorCode && !props.compact ? <div class="cell-sub mono">{r.errorCode}</div> : null}
          </td>
          <td class="num">{formatInt(r.latencyMs)} ms</td>
        </tr>
      ))}
    </DataTable>
  );
}

const isDate = (s: string | undefined): s is string =>
  !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
const positiveInt = (s: string | undefined) => (s && /^\d{1,12}$/.test(s) && Number(s) > 0 ? Number(s) : undefined);
const clean = (s: string | undefined, max: number) => (s && s.trim() ? s.trim().slice(0, max) : undefined);

async function logsBody(c: Context<AppEnv>, v: SignedInView, admin: boolean) {
  const q = c.req.query();
  let userId: number | null = v.session.id;
  let userText = '';
  if (admin) {
    userText = clean(q.user, 64) ?? '';
    userId = null;
    if (userText) {
      userId = (/^\d+$/.test(userText) ? Number(userText) : await userIdByName(c.env, userText)) ?? -1;
    }
  }
  const filter: LogFilter = {
    userId,
    tokenId: positiveInt(q.token_id),
    model: clean(q.model, 256),
    ip: clean(q.ip, 64),
    fromMs: isDate(q.from) ? Date.parse(`${q.from}T00:00:00Z`) : undefined,
    toMs: isDate(q.to) ? Date.parse(`${q.to}T00:00:00Z`) + DAY - 1 : undefined,
    cursor: positiveInt(q.cursor),
    limit: PAGE,
  };
  const [page, models, tokens] = await Promise.all([
    logsPage(c.env, filter),
    recentModels(c.env, userId === -1 ? null : userId),
    admin ? Promise.resolve([]) : tokensOf(c.env, v.session.id),
  ]);
  const action = admin ? '/admin/logs' : '/logs';
  return (
    <>
      <PageHead
        title={admin ? v.t('logs.allTitle') : v.t('logs.title')}
        sub={admin ? v.t('logs.allSubtitle') : v.t('logs.subtitle')}
      />
      <Card flush>
        <form class="filters" method="get" action={action} data-testid="log-filters">
          {admin ? (
            <label>
              {v.t('common.user')}
              <input name="user" value={userText} placeholder={v.t('logs.userHint')} />
            </label>
          ) : (
            <label>
              {v.t('logs.key')}
              <select name="token_id">
                <option value="">{v.t('logs.allKeys')}</option>
                {tokens.map((t) => (
                  <option value={String(t.id)} selected={filter.tokenId === t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {v.t('common.model')}
            <input name="model" value={filter.model ?? ''} list="model-list" />
            <datalist id="model-list">
              {models.map((m) => (
                <option value={m} />
              ))}
            </datalist>
          </label>
          <label>
            {v.t('logs.ip')}
            <input name="ip" value={filter.ip ?? ''} placeholder="203.0.113.7" />
          </label>
          <label>
            {v.t('logs.from')}
            <input type="date" name="from" value={isDate(q.from) ? q.from : ''} />
          </label>
          <label>
            {v.t('logs.to')}
            <input type="date" name="to" value={isDate(q.to) ? q.to : ''} />
          </label>
          <div class="actions">
            <button class="btn btn-primary" type="submit">
              {v.t('common.filter')}
            </button>
            <a class="btn" href={action}>
              {v.t('common.reset')}
            </a>
          </div>
        </form>
        <LogTable v={v} rows={page.items} showUser={admin} />
        {filter.cursor || page.next ? (
          <div class="pager">
            <span />
            <span class="actions">
              {filter.cursor ? (
                <a class="btn btn-sm" href={withoutParam(v.url, 'cursor')}>
                  {v.t('common.newest')}
                </a>
              ) : null}
              {page.next ? (
                <a class="btn btn-sm" href={withParam(v.url, 'cursor', String(page.next))}>
                  {v.t('common.older')} →
                </a>
              ) : null}
            </span>
          </div>
        ) : null}
      </Card>
    </>
  );
}

export const customerLogsBody = (c: Context<AppEnv>, v: SignedInView) => logsBody(c, v, false);
export const adminLogsBody = (c: Context<AppEnv>, v: SignedInView) => logsBody(c, v, true);
