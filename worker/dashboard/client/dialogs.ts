/** Dialogs that open pre-filled forms, the key shown once, copy buttons and buttons that call the API. */
import { fieldsOf, fillForm, handlers } from './forms';
import { STR, all, api, errorText, fill, flashThenReload, toast } from './page';

function prepareForm(form: HTMLFormElement, opener: HTMLElement): void {
  form.reset();
  for (const el of all('[data-orig]', form)) el.removeAttribute('data-orig');
  const err = form.querySelector('.form-error');
  if (err) err.textContent = '';
  for (const k of ['method', 'path', 'mode', 'then']) {
    const v = opener.getAttribute(`data-form-${k}`);
    if (v !== null) form.setAttribute(`data-${k}`, v);
  }
  // Fields of the other mode are disabled: neither validated nor sent.
  const mode = form.getAttribute('data-mode');
  for (const el of fieldsOf(form)) {
    const only = el.closest('.only-create') ? 'create' : el.closest('.only-edit') ? 'edit' : null;
    if (only) el.disabled = !!mode && only !== mode;
  }
  const values = opener.getAttribute('data-fill');
  if (values) fillForm(form, JSON.parse(values));
}

function openDialog(opener: HTMLElement): void {
  const dialog = document.getElementById(opener.getAttribute('data-open') ?? '');
  if (!(dialog instanceof HTMLDialogElement)) return;
  const form = dialog.querySelector('form');
  if (form) prepareForm(form, opener);
  for (const slot of all('[data-slot]', dialog)) {
    const v = opener.getAttribute(`data-${slot.getAttribute('data-slot')}`);
    if (v !== null) slot.textContent = v;
  }
  dialog.showModal();
  dialog.querySelector<HTMLElement>('input:not([type=hidden]):not([type=checkbox]),textarea,select')?.focus();
}

function showKey(key: string): void {
  const dialog = document.getElementById('key-dialog');
  if (!(dialog instanceof HTMLDialogElement)) return;
  const open = document.querySelector('dialog[open]');
  if (open instanceof HTMLDialogElement && open !== dialog) open.close();
  const slot = document.getElementById('new-key');
  if (slot) slot.textContent = key;
  dialog.showModal();
}

const keyOf = (result: unknown) =>
  typeof result === 'object' && result !== null && 'key' in result && typeof result.key === 'string'
    ? result.key
    : null;
handlers.showkey = (result) => {
  const key = keyOf(result);
  if (key) showKey(key);
};

export function copyText(text: string, button: HTMLElement | null): void {
  const done = () => {
    if (!button) return;
    const label = button.getAttribute('data-label') ?? button.textContent ?? '';
    button.setAttribute('data-label', label);
    button.textContent = STR.copied;
    setTimeout(() => (button.textContent = label), 1500);
  };
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text;
    area.readOnly = true;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    (button?.closest('dialog') ?? document.body).appendChild(area);
    area.select();
    try {
      document.execCommand('copy');
    } catch {
      // nothing more to try
    }
    area.remove();
    done();
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
  else fallback();
}

interface TestAnswer {
  ok?: boolean;
  latency_ms?: number;
  error?: string;
}

function showTest(slot: HTMLElement, res: TestAnswer | null): void {
  const ok = !!res?.ok;
  slot.textContent = ok
    ? fill(STR.testOk, { ms: res?.latency_ms ?? 0 })
    : fill(STR.testFail, { error: res?.error ?? '?' });
  slot.className = `badge ${ok ? 'b-green' : 'b-red'}`;
  slot.setAttribute('data-outcome', ok ? 'ok' : 'failed');
}

async function callButton(btn: HTMLButtonElement): Promise<void> {
  const question = btn.getAttribute('data-confirm');
  if (question && !window.confirm(question)) return;
  const then = btn.getAttribute('data-then') ?? 'reload';
  const body = btn.getAttribute('data-body');
  const slot = document.getElementById(btn.getAttribute('data-result') ?? '');
  if (slot) {
    slot.textContent = STR.testing;
    slot.className = 'cell-sub';
  }
  btn.disabled = true;
  try {
    const res = await api<TestAnswer & { key?: string }>(
      btn.getAttribute('data-method') ?? 'POST',
      btn.getAttribute('data-call') ?? '',
      body === null ? undefined : JSON.parse(body),
    );
    if (then === 'test' && slot) showTest(slot, res);
    else if (then === 'showkey') handlers.showkey(res, null);
    else flashThenReload(btn.getAttribute('data-ok') ?? STR.done);
  } catch (e) {
    if (slot) slot.textContent = errorText(e);
    toast(errorText(e), true);
  } finally {
    btn.disabled = false;
  }
}

export function wireDialogs(): void {
  document.addEventListener('click', (ev) => {
    const el =
      ev.target instanceof Element
        ? ev.target.closest<HTMLElement>('[data-open],[data-close],[data-call],[data-copy]')
        : null;
    if (!el) return;
    ev.preventDefault();
    if (el.hasAttribute('data-open')) openDialog(el);
    else if (el.hasAttribute('data-close')) el.closest('dialog')?.close();
    else if (el instanceof HTMLButtonElement && el.hasAttribute('data-call')) void callButton(el);
    else if (el.hasAttribute('data-copy'))
      copyText(document.querySelector(el.getAttribute('data-copy') ?? '')?.textContent ?? '', el);
  });
  // A dialog that shows a key forgets it on close, and the page reloads to show the masked key.
  document.getElementById('key-dialog')?.addEventListener('close', () => {
    const slot = document.getElementById('new-key');
    if (slot) slot.textContent = '';
    location.reload();
  });
}
