/** Redemption codes: make a batch (shown once, with a CSV to download), and see which were used. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { redemptionCodes } from '../data';
import { Card, DataTable, Field, FormDialog, PageHead, Time } from '../components';
import { withParam, type View, type SignedInView } from '../view';

export async function codesBody(c: Context<AppEnv>, v: SignedInView) {
  const cursorText = c.req.query('cursor') ?? '';
  const page = await redemptionCodes(c.env, /^\d{1,12}$/.test(cursorText) ? Number(cursorText) : undefined, 100);
  return (
    <>
      <PageHead title={v.t('codes.title')} sub={v.t('codes.subtitle')}>
        <button type="submit" class="btn btn-primary" data-open="codes-form" data-testid="codes-new">
          {v.t('codes.new')}
        </button>
      </PageHead>
      <Card flush>
        <DataTable
          v={v}
          rows={page.items.length}
          testid="codes"
          empty={v.t('codes.none')}
          head={
            <tr>
              <th>{v.t('codes.code')}</th>
              <th>{v.t('codes.name')}</th>
              <th class="num">{v.t('codes.value')}</th>
              <th>{v.t('common.time')}</th>
              <th>{v.t('codes.expires')}</th>
              <th>{v.t('codes.usedBy')}</th>
            </tr>
          }
        >
          {page.items.map((r) => (
            <tr>
              <td>
                <code>{`${r.codePrefix}…`}</code>
              </td>
              <td>{r.name ?? <span class="muted">—</span>}</td>
              <td class="num">{v.money(r.quota)}</td>
              <td>
                <Time ms={r.createdAt} />
              </td>
              <td>
                <Time ms={r.expiresAt} empty={v.t('common.never')} />
              </td>
              <td>
                {r.usedBy === null ? (
                  <span class="muted">{v.t('codes.unused')}</span>
                ) : (
                  <>
                    #{r.usedBy} · <Time ms={r.usedAt} />
                  </>
                )}
              </td>
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
      <FormDialog
        id="codes-form"
        v={v}
        title={v.t('codes.new')}
        method="POST"
        path="/api/redemptions"
        then="showcodes"
        submit={v.t('common.create')}
      >
        <Field label={v.t('codes.count')}>
          <input name="count" required data-type="int" value="10" inputmode="numeric" data-label={v.t('codes.count')} />
        </Field>
        <Field label={v.t('codes.valueIn', { currency: v.currency })}>
          <input name="quota" required data-type="money" inputmode="decimal" data-label={v.t('codes.value')} />
        </Field>
        <Field label={v.t('codes.name')}>
          <input name="name" maxlength={64} data-empty="omit" />
        </Field>
        <Field label={v.t('codes.expires')}>
          <input
            name="expires_at"
            type="datetime-local"
            data-type="datetime"
            data-empty="omit"
            data-label={v.t('codes.expires')}
          />
        </Field>
      </FormDialog>
      <dialog id="codes-dialog">
        <div class="modal-head">{v.t('codes.madeTitle')}</div>
        <div class="modal-body">
          <p class="hint">{v.t('codes.madeHint')}</p>
          <textarea id="new-codes" class="mono" rows={10} readonly data-testid="new-codes"></textarea>
        </div>
        <div class="modal-foot">
          <button type="button" class="btn" data-copy="#new-codes">
            {v.t('keys.copy')}
          </button>
          <button type="button" class="btn" data-download-codes data-testid="codes-csv">
            {v.t('codes.csv')}
          </button>
          <button type="button" class="btn btn-primary" data-close-reload>
            {v.t('common.close')}
          </button>
        </div>
      </dialog>
    </>
  );
}
