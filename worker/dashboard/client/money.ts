/** Amounts and times as the viewer reads them: their currency, their time zone. */
import { QUOTA_PER_USD } from '../../billing/charge';
import { CFG } from './page';

export { QUOTA_PER_USD };

export const currencyRate = CFG.currency === 'CNY' ? Number(CFG.rate) : 1;

/** A US-dollar amount in the viewer's currency, with as many digits as small prices need. */
export function usdText(dollars: number): string {
  const amount = dollars * currencyRate;
  const digits = amount >= 1 || amount === 0 ? 2 : amount >= 0.01 ? 4 : 6;
  return (CFG.currency === 'CNY' ? '\u00a5' : '$') + amount.toFixed(digits).replace(/(\.\d\d\d*?)0+$/, '$1');
}

/** Units as the number a money input shows. */
export function toMoneyInput(units: number | null | undefined): string {
  if (units === null || units === undefined) return '';
  return String(Math.round((units / QUOTA_PER_USD) * currencyRate * 1e6) / 1e6);
}

/** A money input's number as units. */
export const fromMoneyInput = (amount: number) => Math.round((amount / currencyRate) * QUOTA_PER_USD);

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localClock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

export const localTime = (d: Date) => `${localDate(d)} ${localClock(d)}:${pad(d.getSeconds())}`;

/** An ISO time as a datetime-local input's value. */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${localDate(d)}T${localClock(d)}`;
}

/** Times arrive in UTC; show them in the viewer's zone. */
export function localizeTimes(): void {
  for (const el of document.querySelectorAll('time[datetime]')) {
    const d = new Date(el.getAttribute('datetime') ?? '');
    if (Number.isNaN(d.getTime())) continue;
    (el as HTMLElement).title = el.textContent ?? '';
    el.textContent = el.hasAttribute('data-date') ? localTime(d).slice(0, 10) : localTime(d);
  }
}
