/**
 * Forms that talk to the API: `data-api` forms send their fields (typed by `data-type`) to
 * `data-path` with `data-method`, then do what `data-then` says.
 */
import { fromMoneyInput, toLocalInput, toMoneyInput } from './money';
import { STR, all, api, errorText, fill, flashThenReload, labelOf, toast } from './page';

export type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
type Values = Record<string, unknown>;

const isField = (el: Element): el is Field =>
  el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
export const fieldsOf = (form: HTMLFormElement): Field[] => Array.from(form.elements).filter(isField);

/** What to do with an answer, by `data-then`: other modules add their own (`pay`, `showcodes`). */
export const handlers: Record<string, (result: unknown, form: HTMLFormElement | null) => void> = {};

function typedValue(el: Field, raw: string): unknown {
  const type = el.getAttribute('data-type') ?? 'text';
  const bad = (message: string) => new Error(fill(message, { field: labelOf(el) }));
  if (type === 'int' || type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || (type === 'int' && !Number.isInteger(n))) throw bad(STR.badNumber);
    return n;
  }
  if (type === 'money') {
    const amount = Number(raw);
    if (!Number.isFinite(amount)) throw bad(STR.badNumber);
    return fromMoneyInput(amount);
  }
  if (type === 'list') return raw.split(/[\s,]+/).filter(Boolean);
  if (type === 'json') {
    try {
      return JSON.parse(raw);
    } catch {
      throw bad(STR.badJson);
    }
  }
  if (type === 'datetime') {
    const d = new Date(raw);
    if (Number.isNaN(d.getTime())) throw bad(STR.badDate);
    return d.toISOString();
  }
  return raw;
}

function readField(form: HTMLFormElement, el: Field, out: Values): void {
  if (el.getAttribute('data-type') === 'checks') {
    if (el.name in out) return;
    const picked = all<HTMLInputElement>(`input[name="${el.name}"]`, form)
      .filter((x) => x.checked)
      .map((x) => x.value);
    if (picked.length) out[el.name] = picked;
    return;
  }
  const raw = el.value.trim();
  if (raw === '') {
    if ((el.getAttribute('data-empty') ?? 'null') === 'null') out[el.name] = null;
    return;
  }
  out[el.name] = typedValue(el, raw);
}

const modeOf = (el: Element) => (el.closest('.only-create') ? 'create' : el.closest('.only-edit') ? 'edit' : null);

/** The form's payload. An edit sends only what changed, so an untouched field (a past expiry, say) is not re-checked. */
export function collect(form: HTMLFormElement): Values {
  const out: Values = {};
  const mode = form.getAttribute('data-mode');
  for (const el of fieldsOf(form)) {
    if (!el.name || el.disabled) continue;
    const only = modeOf(el);
    if (only && mode && only !== mode) continue;
    const match = el.getAttribute('data-match');
    const other = match ? form.elements.namedItem(match) : null;
    if (other && isField(other as Element) && (other as Field).value !== el.value) throw new Error(STR.mismatch);
    if (el.hasAttribute('data-exclude')) continue;
    if (mode === 'edit' && el.hasAttribute('data-orig') && el.getAttribute('data-orig') === el.value) continue;
    readField(form, el, out);
  }
  const extra = form.getAttribute('data-extra');
  if (extra) Object.assign(out, JSON.parse(extra));
  return out;
}

function shownValue(el: Field, v: unknown): string {
  const type = el.getAttribute('data-type') ?? '';
  if (v === null || v === undefined) return '';
  if (type === 'list') return Array.isArray(v) ? v.join('\n') : String(v);
  if (type === 'json') return typeof v === 'string' ? v : JSON.stringify(v);
  if (type === 'money') return toMoneyInput(Number(v));
  if (type === 'datetime') return toLocalInput(v);
  return String(v);
}

/** Puts values into a form's fields, remembering them so an edit sends only changes. */
export function fillForm(form: HTMLFormElement, values: Values): void {
  for (const el of fieldsOf(form)) {
    if (!el.name || !(el.name in values)) continue;
    const v = values[el.name];
    if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      el.checked = Array.isArray(v) ? v.includes(el.value) : !!v;
      continue;
    }
    el.value = shownValue(el, v);
    el.setAttribute('data-orig', el.value);
  }
}

function after(then: string, result: unknown, form: HTMLFormElement): void {
  const handler = handlers[then];
  if (handler) {
    handler(result, form);
    return;
  }
  if (then === 'message') {
    form.reset();
    form.closest('dialog')?.close();
    toast(form.getAttribute('data-ok') ?? STR.done, false);
    return;
  }
  flashThenReload(form.getAttribute('data-ok') ?? STR.saved);
}

export function showError(slot: Element | null, message: string): void {
  if (!slot) {
    toast(message, true);
    return;
  }
  slot.textContent = message;
  slot.scrollIntoView?.({ block: 'nearest' });
}

async function submit(form: HTMLFormElement): Promise<void> {
  const err = form.querySelector('.form-error');
  if (err) err.textContent = '';
  let payload: Values;
  try {
    payload = collect(form);
  } catch (e) {
    return showError(err, errorText(e));
  }
  if (form.getAttribute('data-mode') === 'edit' && Object.keys(payload).length === 0) {
    form.closest('dialog')?.close();
    return;
  }
  const buttons = all<HTMLButtonElement>('button[type=submit]', form);
  for (const b of buttons) b.disabled = true;
  try {
    const result = await api(form.getAttribute('data-method') ?? 'POST', form.getAttribute('data-path') ?? '', payload);
    after(form.getAttribute('data-then') ?? 'reload', result, form);
  } catch (e) {
    showError(err, errorText(e));
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

export function wireForms(): void {
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-api')) return;
    ev.preventDefault();
    void submit(form);
  });
}
