/** The operator's price editor: rows added and removed in place, a live price preview, one PUT for all. */
import { usdText } from './money';
import { STR, all, api, errorText, fill, flashThenReload, labelOf, toast } from './page';

function addRow(templateId: string): void {
  const tpl = document.getElementById(templateId);
  if (!(tpl instanceof HTMLTemplateElement)) return;
  const target = document.getElementById(tpl.getAttribute('data-into') ?? '');
  const row = tpl.content.firstElementChild?.cloneNode(true);
  if (!target || !(row instanceof HTMLElement)) return;
  target.appendChild(row);
  row.querySelector('input')?.focus();
}

/** A non-negative number, or null for an empty field. */
function num(row: Element, name: string): number | null {
  const input = row.querySelector<HTMLInputElement>(`[name=${name}]`);
  const raw = input ? input.value.trim() : '';
  if (raw === '' || !input) return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(fill(STR.badNumber, { field: labelOf(input) }));
  return n;
}

/** A model ratio of 1 is $2 per million tokens. */
function preview(row: Element): void {
  const out = row.querySelector('[data-preview]');
  if (!out) return;
  try {
    const perCall = num(row, 'price_per_call');
    const modelRatio = num(row, 'model_ratio');
    const completionRatio = num(row, 'completion_ratio');
    if (perCall !== null) out.textContent = `${usdText(perCall)} ${STR.perCall}`;
    else if (modelRatio !== null)
      out.textContent = `${usdText(modelRatio * 2)} / ${usdText(modelRatio * 2 * (completionRatio ?? 1))}`;
    else out.textContent = '\u2014';
  } catch {
    out.textContent = '?';
  }
}

const textOf = (row: Element, name: string) =>
  row.querySelector<HTMLInputElement>(`[name=${name}]`)?.value.trim() ?? '';

interface Tier {
  above_prompt_tokens: number;
  prompt_multiplier: number;
  completion_multiplier: number;
}

/** `above:prompt:completion, ...` as tiers; null for an empty field (the known tiers, else none). */
function tiersOf(row: Element): Tier[] | null {
  const input = row.querySelector<HTMLInputElement>('[name=tiers]');
  const raw = input?.value.trim() ?? '';
  if (raw === '' || !input) return null;
  return raw.split(',').map((part) => {
    const [above, p, c] = part.split(':').map((x) => Number(x.trim()));
    if (![above, p, c].every((n) => Number.isFinite(n) && n >= 0) || part.split(':').length !== 3)
      throw new Error(fill(STR.badNumber, { field: labelOf(input) }));
    return { above_prompt_tokens: above, prompt_multiplier: p, completion_multiplier: c };
  });
}

const checked = (row: Element, name: string) => row.querySelector<HTMLInputElement>(`[name=${name}]`)?.checked ?? false;

function pricingPayload(root: Element, original: { models: string[]; groups: string[] }) {
  const models: Record<string, Record<string, number | boolean | Tier[] | null> | null> = {};
  const groups: Record<string, number | null> = {};
  for (const row of all('tr[data-model-row]', root)) {
    const name = textOf(row, 'model');
    if (!name) continue;
    models[name] = {
      model_ratio: num(row, 'model_ratio'),
      completion_ratio: num(row, 'completion_ratio'),
      cache_ratio: num(row, 'cache_ratio'),
      cache_write_ratio: num(row, 'cache_write_ratio'),
      cache_write_1h_ratio: num(row, 'cache_write_1h_ratio'),
      tiers: tiersOf(row),
      pinned: checked(row, 'pinned'),
      price_per_call: num(row, 'price_per_call'),
      max_output_tokens: num(row, 'max_output_tokens'),
    };
  }
  for (const row of all('tr[data-group-row]', root)) {
    const name = textOf(row, 'group');
    if (!name) continue;
    const ratio = num(row, 'ratio');
    if (ratio === null) throw new Error(fill(STR.badNumber, { field: name }));
    groups[name] = ratio;
  }
  // What was there and is gone now is removed.
  for (const m of original.models) if (!(m in models)) models[m] = null;
  for (const g of original.groups) if (!(g in groups)) groups[g] = null;
  return { models, groups };
}

async function savePricing(btn: HTMLButtonElement): Promise<void> {
  const root = document.querySelector('[data-pricing-editor]');
  if (!root) return;
  const err = root.querySelector('.form-error');
  if (err) err.textContent = '';
  let payload: ReturnType<typeof pricingPayload>;
  try {
    payload = pricingPayload(root, JSON.parse(root.getAttribute('data-original') ?? '{"models":[],"groups":[]}'));
  } catch (e) {
    if (err) err.textContent = errorText(e);
    return;
  }
  btn.disabled = true;
  try {
    await api('PUT', '/api/pricing', payload);
    flashThenReload(STR.saved);
  } catch (e) {
    if (err) err.textContent = errorText(e);
    toast(errorText(e), true);
  } finally {
    btn.disabled = false;
  }
}

/** Runs the price sync (a dry run shows what it would do; a real one reloads the page with its result). */
async function runSync(btn: HTMLButtonElement): Promise<void> {
  const dryRun = btn.getAttribute('data-price-sync') === 'dry';
  const out = document.querySelector<HTMLElement>('[data-price-sync-out]');
  btn.disabled = true;
  try {
    const result = await api<{
      changed: { model: string; before: unknown; after: unknown }[];
      skipped: { model: string; reason: string }[];
    }>('POST', '/api/pricing/sync', { dry_run: dryRun });
    if (!dryRun) return flashThenReload(STR.done);
    if (out) {
      out.hidden = false;
      out.textContent = JSON.stringify({ changed: result.changed, skipped: result.skipped }, null, 2);
    }
  } catch (e) {
    toast(errorText(e), true);
  } finally {
    btn.disabled = false;
  }
}

export function wirePricingEditor(): void {
  document.addEventListener('click', (ev) => {
    const sync = ev.target instanceof Element ? ev.target.closest<HTMLButtonElement>('button[data-price-sync]') : null;
    if (sync) {
      ev.preventDefault();
      void runSync(sync);
      return;
    }
    const el =
      ev.target instanceof Element
        ? ev.target.closest<HTMLElement>('[data-add-row],[data-remove-row],[data-save-pricing]')
        : null;
    if (!el) return;
    ev.preventDefault();
    if (el.hasAttribute('data-add-row')) addRow(el.getAttribute('data-add-row') ?? '');
    else if (el.hasAttribute('data-remove-row')) el.closest('tr')?.remove();
    else if (el instanceof HTMLButtonElement) void savePricing(el);
  });
  document.addEventListener('input', (ev) => {
    const row = ev.target instanceof Element ? ev.target.closest('tr[data-model-row]') : null;
    if (row) preview(row);
  });
  all('tr[data-model-row]').forEach(preview);
}
