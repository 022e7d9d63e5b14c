import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { tokensOf, type TokenRow } from '../data';
import { effectiveStatus } from '../../api/tokens';
import { Card, DataTable, Field, FormDialog, PageHead, StatusBadge, Time } from '../components';
import { formatInt, type View, type SignedInView } from '../view';

function Tags(props: { items: string[] | null; whenEmpty: string; max?: number }) {
  if (!props.items || props.items.length === 0) return <span class="muted">{props.whenEmpty}</span>;
  const max = props.max ?? 3;
  const shown = props.items.slice(0, max);
  return (
    <span title={props.items.join(', ')}>
      {shown.map((x) => (
        <span class="tag mono">{x}</span>
      ))}
      {props.items.length > max ? <span class="muted small">+{props.items.length - max}</span> : null}
    </span>
  );
}

function KeyRow(props: { v: View; t: TokenRow }) {
  const { v, t } = props;
  const status = effectiveStatus(t);
  const fill = {
    name: t.name,
    remain_quota: t.remainQuota,
    expires_at: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
    models: t.models,
    allow_ips: t.allowIps,
    rpm_limit: t.rpmLimit,
    tpm_limit: t.tpmLimit,
  };
  const limits = [
    t.rpmLimit ? v.t('keys.rpmShort', { n: formatInt(t.rpmLimit) }) : null,
    t.tpmLimit ? v.t('keys.tpmShort', { n: formatInt(t.tpmLimit) }) : null,
  ].filter(Boolean);
  return (
    <tr data-token-id={t.id} data-token-name={t.name}>
      <td>
        <div>
          <strong>{t.name}</strong>
        </div>
        <div class="cell-sub">
          <Time ms={t.createdAt} dateOnly />
        </div>
      </td>
      <td>
        <code data-testid="masked-key">{`${t.keyPrefix}...${t.keySuffix}`}</code>
      </td>
      <td>
        <StatusBadge v={v} status={status} />
      </td>
      <td class="num">{v.money(t.usedQuota)}</td>
      <td class="num">
        {t.remainQuota === null ? <span class="muted">{v.t('common.unlimited')}</span> : v.money(t.remainQuota)}
      </td>
      <td>
        <Time ms={t.expiresAt} empty={v.t('common.never')} />
      </td>
      <td>
        <Tags items={t.models} whenEmpty={v.t('common.all')} />
      </td>
      <td>
        <Tags items={t.allowIps} whenEmpty={v.t('common.any')} max={2} />
      </td>
      <td class="nowrap">
        {limits.length ? limits.join(' · ') : <span class="muted">{v.t('common.unlimited')}</span>}
      </td>
      <td>
        <div class="actions">
          <button
            type="submit"
            class="btn btn-sm"
            data-open="token-form"
            data-form-method="PATCH"
            data-form-path={`/api/tokens/${t.id}`}
            data-form-mode="edit"
            data-form-then="reload"
            data-title={v.t('keys.editTitle')}
            data-fill={JSON.stringify(fill)}
          >
            {v.t('common.edit')}
          </button>
          {status === 'disabled' ? (
            <button
              type="submit"
              class="btn btn-sm"
              data-call={`/api/tokens/${t.id}`}
              data-method="PATCH"
              data-body='{"status":"enabled"}'
            >
              {v.t('common.enable')}
            </button>
          ) : (
            <button
              type="submit"
              class="btn btn-sm"
              data-call={`/api/tokens/${t.id}`}
              data-method="PATCH"
              data-body='{"status":"disabled"}'
            >
              {v.t('common.disable')}
            </button>
          )}
          <button
            type="submit"
            class="btn btn-sm"
            data-call={`/api/tokens/${t.id}/rotate`}
            data-method="POST"
            data-then="showkey"
            data-confirm={v.t('keys.confirmRotate', { name: t.name })}
          >
            {v.t('keys.rotate')}
          </button>
          <button
            type="submit"
            class="btn btn-sm btn-danger"
            data-call={`/api/tokens/${t.id}`}
            data-method="DELETE"
            data-confirm={v.t('common.confirmDelete', { name: t.name })}
          >
            {v.t('common.delete')}
          </button>
        </div>
      </td>
    </tr>
  );
}

function TokenForm(props: { v: View }) {
  const { v } = props;
  return (
    <FormDialog
      id="token-form"
      v={v}
      title={v.t('keys.createTitle')}
      method="POST"
      path="/api/tokens"
      mode="create"
      then="showkey"
    >
      <Field label={v.t('common.name')}>
        <input name="name" required maxlength={64} data-empty="omit" />
      </Field>
      <div class="row2">
        <Field label={v.t('keys.capLabel', { cur: v.currency })} hint={v.t('keys.capHint')}>
          <input name="remain_quota" data-type="money" inputmode="decimal" data-label={v.t('keys.cap')} />
        </Field>
        <Field label={v.t('keys.expiresLabel')} hint={v.t('keys.expiresHint')}>
          <input name="expires_at" type="datetime-local" data-type="datetime" data-label={v.t('keys.expiresLabel')} />
        </Field>
      </div>
      <Field label={v.t('keys.modelsLabel')} hint={v.t('common.listHint')}>
        <textarea name="models" data-type="list" rows={2} placeholder="gpt-4o-mini, claude-3-5-haiku-latest"></textarea>
      </Field>
      <Field label={v.t('keys.ipsLabel')} hint={v.t('keys.ipsHint')}>
        <textarea name="allow_ips" data-type="list" rows={2}></textarea>
      </Field>
      <div class="row2">
        <Field label={v.t('keys.rpmLabel')} hint={v.t('keys.limitHint')}>
          <input name="rpm_limit" data-type="int" inputmode="numeric" data-label={v.t('keys.rpmLabel')} />
        </Field>
        <Field label={v.t('keys.tpmLabel')} hint={v.t('keys.limitHint')}>
          <input name="tpm_limit" data-type="int" inputmode="numeric" data-label={v.t('keys.tpmLabel')} />
        </Field>
      </div>
    </FormDialog>
  );
}

/** Shows a new key once: it lives only in this dialog, filled by the page script from the API's answer. */
function KeyDialog(props: { v: View }) {
  const { v } = props;
  const base = `${v.url.origin}/v1`;
  return (
    <dialog id="key-dialog" data-testid="key-dialog">
      <div class="modal-head">{v.t('keys.shownOnce')}</div>
      <div class="modal-body">
        <div class="notice n-warn">{v.t('keys.shownOnceBody')}</div>
        <div class="keybox">
          <code id="new-key" data-testid="new-key"></code>
          <button type="button" class="btn btn-sm" data-copy="#new-key" data-testid="copy-key">
            {v.t('keys.copy')}
          </button>
        </div>
        <p class="small muted">{v.t('keys.usage')}</p>
        <pre class="example">
          <code>{`curl ${base}/chat/completions \\
  -H "Authorization: Bearer sk-..." \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`}</code>
        </pre>
      </div>
      <div class="modal-foot">
        <button type="button" class="btn btn-primary" data-close>
          {v.t('common.close')}
        </button>
      </div>
    </dialog>
  );
}

export async function keysBody(c: Context<AppEnv>, v: SignedInView) {
  const tokens = await tokensOf(c.env, v.session.id);
  return (
    <>
      <PageHead title={v.t('keys.title')} sub={v.t('keys.subtitle', { base: `${v.url.origin}/v1` })}>
        <button
          type="submit"
          class="btn btn-primary"
          data-open="token-form"
          data-form-method="POST"
          data-form-path="/api/tokens"
          data-form-mode="create"
          data-form-then="showkey"
          data-title={v.t('keys.createTitle')}
          data-testid="new-key-button"
        >
          + {v.t('keys.new')}
        </button>
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={tokens.length}
          testid="key-table"
          head={
            <tr>
              <th>{v.t('common.name')}</th>
              <th>{v.t('keys.key')}</th>
              <th>{v.t('common.status')}</th>
              <th class="num">{v.t('keys.used')}</th>
              <th class="num">{v.t('keys.cap')}</th>
              <th>{v.t('keys.expires')}</th>
              <th>{v.t('common.models')}</th>
              <th>{v.t('keys.ips')}</th>
              <th>{v.t('keys.limits')}</th>
              <th>{v.t('common.actions')}</th>
            </tr>
          }
        >
          {tokens.map((t) => (
            <KeyRow v={v} t={t} />
          ))}
        </DataTable>
      </Card>
      <TokenForm v={v} />
      <KeyDialog v={v} />
    </>
  );
}
