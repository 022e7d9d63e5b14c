import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { accountOf } from '../../account/client';
import { usersPage, type UserRow } from '../data';
import { Badge, Card, DataTable, Field, FormDialog, PageHead, StatusBadge, Time } from '../components';
import { withParam, type View, type SignedInView } from '../view';

const PAGE = 50;

function UserLine(props: { v: View; u: UserRow }) {
  const { v, u } = props;
  return (
    <tr data-user-id={u.id} data-username={u.username}>
      <td class="muted">{u.id}</td>
      <td>
        <strong>{u.username}</strong>
        {u.role === 'admin' ? (
          <>
            {' '}
            <Badge tone="violet">{v.t('account.role.admin')}</Badge>
          </>
        ) : null}
      </td>
      <td>
        <span class="tag mono">{u.group}</span>
      </td>
      <td class="num" data-testid="user-balance">
        {v.money(u.quota)}
      </td>
      <td class="num">{v.money(u.usedQuota)}</td>
      <td>
        <StatusBadge v={v} status={u.status} />
      </td>
      <td>
        <Time ms={u.createdAt} dateOnly />
      </td>
      <td>
        <div class="actions">
          <button
            type="submit"
            class="btn btn-sm"
            data-open="quota-form"
            data-form-path={`/api/users/${u.id}/quota`}
            data-title={v.t('users.adjustTitle', { name: u.username })}
            data-testid="adjust-balance"
          >
            {v.t('users.adjust')}
          </button>
          <button
            type="submit"
            class="btn btn-sm"
            data-open="user-form"
            data-form-method="PATCH"
            data-form-path={`/api/users/${u.id}`}
            data-form-mode="edit"
            data-title={v.t('users.editTitle')}
            data-fill={JSON.stringify({ group: u.group, status: u.status })}
          >
            {v.t('common.edit')}
          </button>
          <a class="btn btn-sm" href={`/admin/logs?user=${u.id}`}>
            {v.t('nav.logs')}
          </a>
        </div>
      </td>
    </tr>
  );
}

function Dialogs(props: { v: View }) {
  const { v } = props;
  return (
    <>
      <FormDialog id="quota-form" v={v} title={v.t('users.adjust')} method="POST" path="/api/users/0/quota">
        <Field label={v.t('users.amount', { cur: v.currency })} hint={v.t('users.amountHint')}>
          <input
            name="delta"
            data-type="money"
            required
            inputmode="decimal"
            data-label={v.t('users.amount', { cur: v.currency })}
          />
        </Field>
        <Field label={v.t('common.note')} hint={v.t('users.noteHint')}>
          <input name="note" maxlength={500} data-empty="omit" />
        </Field>
      </FormDialog>
      <FormDialog id="user-form" v={v} title={v.t('users.createTitle')} method="POST" path="/api/users" mode="create">
        <div class="only-create">
          <Field label={v.t('users.username')}>
            <input name="username" required data-empty="omit" autocomplete="off" />
          </Field>
        </div>
        <Field label={v.t('login.password')}>
          <input name="password" type="password" data-empty="omit" autocomplete="new-password" minlength={8} />
          <small class="only-edit">{v.t('users.passwordKeep')}</small>
        </Field>
        <div class="row2">
          <Field label={v.t('common.group')}>
            <input name="group" data-empty="omit" placeholder="default" />
          </Field>
          <div class="only-edit">
            <Field label={v.t('common.status')}>
              <select name="status">
                <option value="enabled">{v.t('status.enabled')}</option>
                <option value="disabled">{v.t('status.disabled')}</option>
              </select>
            </Field>
          </div>
          <div class="only-create">
            <Field label={v.t('users.initial', { cur: v.currency })}>
              <input name="quota" data-type="money" data-empty="omit" inputmode="decimal" />
            </Field>
          </div>
        </div>
      </FormDialog>
    </>
  );
}

export async function usersBody(c: Context<AppEnv>, v: SignedInView) {
  const q = c.req.query('q')?.trim().slice(0, 64) || undefined;
  const offset = Math.max(0, Number.parseInt(c.req.query('offset') ?? '0', 10) || 0);
  const rows = await usersPage(c.env, q, PAGE + 1, offset);
  const shown = rows.slice(0, PAGE);
  // The live balance is the account object's; the D1 row may trail it by a moment.
  const live = await Promise.all(shown.map((u) => accountOf(c.env, u.id).balance()));
  const users = shown.map((u, i) => ({ ...u, quota: live[i].quota, used_quota: live[i].usedQuota }));
  return (
    <>
      <PageHead title={v.t('users.title')} sub={v.t('users.subtitle')}>
        <form method="get" action="/admin/users" class="actions">
          <input name="q" value={q ?? ''} placeholder={v.t('users.search')} style="width:200px" />
        </form>
        <button
          type="submit"
          class="btn btn-primary"
          data-open="user-form"
          data-form-method="POST"
          data-form-path="/api/users"
          data-form-mode="create"
          data-title={v.t('users.createTitle')}
        >
          + {v.t('users.new')}
        </button>
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={users.length}
          testid="user-table"
          head={
            <tr>
              <th>{v.t('common.id')}</th>
              <th>{v.t('users.username')}</th>
              <th>{v.t('common.group')}</th>
              <th class="num">{v.t('users.balance')}</th>
              <th class="num">{v.t('users.used')}</th>
              <th>{v.t('common.status')}</th>
              <th>{v.t('account.created')}</th>
              <th>{v.t('common.actions')}</th>
            </tr>
          }
        >
          {users.map((u) => (
            <UserLine v={v} u={u} />
          ))}
        </DataTable>
        {offset > 0 || rows.length > PAGE ? (
          <div class="pager">
            <span />
            <span class="actions">
              {offset > 0 ? (
                <a class="btn btn-sm" href={withParam(v.url, 'offset', String(Math.max(0, offset - PAGE)))}>
                  ←
                </a>
              ) : null}
              {rows.length > PAGE ? (
                <a class="btn btn-sm" href={withParam(v.url, 'offset', String(offset + PAGE))}>
                  →
                </a>
              ) : null}
            </span>
          </div>
        ) : null}
      </Card>
      <Dialogs v={v} />
    </>
  );
}
