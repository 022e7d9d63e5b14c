/** The notifications form (`form[data-notify]`): its fields become the nested PUT /api/notifications body. */
import { showError } from './forms';
import { fromMoneyInput } from './money';
import { STR, api, errorText, flashThenReload } from './page';

function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLTextAreaElement | null {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el : null;
}

const checked = (form: HTMLFormElement, name: string) => {
  const el = field(form, name);
  return el instanceof HTMLInputElement && el.checked;
};

/** The address, and the password, only when the address changed: sending the same one again would drop a pending change. */
function emailPart(form: HTMLFormElement): Record<string, unknown> {
  const input = field(form, 'email');
  const email = input?.value.trim() ?? '';
  if (email.toLowerCase() === (input?.getAttribute('data-original') ?? '').toLowerCase()) return {};
  return { email: email === '' ? null : email, current_password: field(form, 'current_password')?.value ?? '' };
}

function payloadOf(form: HTMLFormElement): Record<string, unknown> {
  const models = (field(form, 'price_models')?.value ?? '').split(/[\s,]+/).filter(Boolean);
  const lowText = field(form, 'low_balance')?.value.trim() ?? '';
  const low = lowText === '' ? null : Number(lowText);
  if (low !== null && !(Number.isFinite(low) && low >= 0))
    throw new Error(STR.badNumber.replace('{field}', 'low_balance'));
  return {
    ...emailPart(form),
    price_changes: { enabled: checked(form, 'price_enabled'), models: models.length ? models : null },
    new_ip: checked(form, 'new_ip'),
    low_balance: low === null ? null : fromMoneyInput(low),
  };
}

export function wireNotifications(): void {
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-notify')) return;
    ev.preventDefault();
    const slot = form.querySelector('.form-error');
    let payload: Record<string, unknown>;
    try {
      payload = payloadOf(form);
    } catch (e) {
      return showError(slot, errorText(e));
    }
    api('PUT', '/api/notifications', payload).then(
      () => flashThenReload(STR.saved),
      (e: unknown) => showError(slot, errorText(e)),
    );
  });
}
