/** The top-up pages: the live quote, the jump to the gateway, the return page that waits for the payment, and codes shown once with their CSV. */
import { handlers } from './forms';
import { QUOTA_PER_USD, usdText } from './money';
import { api, errorText } from './page';
import { orderMoney } from './shared';

interface Quote {
  pay_amount: string;
  discount: number;
  credit: number;
  currency: string;
}

function wireQuote(form: HTMLFormElement): void {
  const amountInput = form.elements.namedItem('amount');
  if (!(amountInput instanceof HTMLInputElement)) return;
  const slot = (name: string) => form.querySelector(`[data-quote-slot=${name}]`);
  const set = (name: string, text: string) => {
    const el = slot(name);
    if (el) el.textContent = text;
  };
  const show = (q: Quote | null) => {
    set('pay_amount', q ? orderMoney(q.pay_amount, q.currency) : '\u2014');
    set('discount', q && q.discount > 0 ? `${Math.round(q.discount * 1000) / 10}%` : '\u2014');
    set('credit', q ? usdText(q.credit / QUOTA_PER_USD) : '\u2014');
  };
  let asked = 0;
  let timer = 0;
  const ask = async () => {
    const err = form.querySelector('.form-error');
    const amount = amountInput.value.trim();
    const mine = ++asked;
    if (!amount) return show(null);
    try {
      const q = await api<Quote>('GET', `/api/topup/quote?amount=${encodeURIComponent(amount)}`);
      if (mine !== asked) return;
      show(q);
      if (err) err.textContent = '';
    } catch (e) {
      if (mine !== asked) return;
      show(null);
      if (err) err.textContent = errorText(e);
    }
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void ask(), 250);
  });
  form.addEventListener('click', (ev) => {
    const pick = ev.target instanceof Element ? ev.target.closest('[data-quick-amount]') : null;
    if (!pick) return;
    ev.preventDefault();
    amountInput.value = pick.getAttribute('data-quick-amount') ?? '';
    void ask();
  });
  void ask();
}

/** Back from the gateway: asks every 2 s (for up to 10 minutes) until the order is no longer pending. */
function waitForPayment(orderNo: string): void {
  let tries = 0;
  const poll = async () => {
    if (++tries > 300) return;
    try {
      const order = await api<{ status: string }>('GET', `/api/topup/orders/${encodeURIComponent(orderNo)}`);
      if (order.status !== 'pending') location.reload();
      else setTimeout(poll, 2000);
    } catch {
      setTimeout(poll, 5000);
    }
  };
  setTimeout(poll, 1500);
}

let madeCodes: string[] = [];

function showCodes(result: unknown, form: HTMLFormElement | null): void {
  const codes =
    typeof result === 'object' && result !== null && 'codes' in result && Array.isArray(result.codes)
      ? result.codes
      : [];
  madeCodes = codes.filter((c): c is string => typeof c === 'string');
  form?.closest('dialog')?.close();
  const box = document.getElementById('new-codes');
  if (box instanceof HTMLTextAreaElement) {
    box.value = madeCodes.join('\n');
    box.textContent = box.value;
  }
  const dialog = document.getElementById('codes-dialog');
  if (dialog instanceof HTMLDialogElement) dialog.showModal();
}

function downloadCodes(): void {
  const csv = `code\r\n${madeCodes.join('\r\n')}\r\n`;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  a.download = 'redemption-codes.csv';
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

export function wireTopup(): void {
  const quoteForm = document.querySelector<HTMLFormElement>('form[data-quote]');
  if (quoteForm) wireQuote(quoteForm);
  handlers.pay = (order) => {
    if (typeof order === 'object' && order !== null && 'pay_url' in order && typeof order.pay_url === 'string')
      location.href = order.pay_url;
  };
  const waiting = document.querySelector('[data-poll-order]');
  if (waiting) waitForPayment(waiting.getAttribute('data-poll-order') ?? '');
  handlers.showcodes = showCodes;
  document.addEventListener('click', (ev) => {
    const el = ev.target instanceof Element ? ev.target.closest('[data-download-codes],[data-close-reload]') : null;
    if (!el) return;
    ev.preventDefault();
    if (el.hasAttribute('data-close-reload')) location.reload();
    else downloadCodes();
  });
}
