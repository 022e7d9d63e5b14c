/**
 * Top-up arithmetic in exact decimals: what an amount credits, the discount that applies, and
 * what the customer pays, rounded half-up to cents. Pure functions, tested directly.
 */
import { QUOTA_PER_USD } from '../billing/charge';
import { dec, mul, sub, type Decimal } from '../billing/decimal';
import { stripeUnit } from './currencies';

/** A positive amount with at most two decimal places, from a number or a string. */
export function parseAmount(value: number | string): Decimal | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text)) return null;
  const d = dec(text);
  return d.units > 0n ? d : null;
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** a < b, a = b, a > b as -1, 0, 1. */
export function compare(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * pow10(scale - a.scale);
  const y = b.units * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a gateway's amount (a decimal with at most two places) is exactly the order's pay amount. */
export function isPayAmount(paid: string | null, payAmount: string): boolean {
  const a = paid === null ? null : parseAmount(paid);
  const b = parseAmount(payAmount);
  return a !== null && b !== null && compare(a, b) === 0;
}

/** floor(amount / price_per_usd * 500000): the units an amount in the order's currency buys. */
export function creditFor(amount: Decimal, pricePerUsd: number): number {
  const price = dec(pricePerUsd);
  const numerator = amount.units * BigInt(QUOTA_PER_USD) * pow10(price.scale);
  const denominator = price.units * pow10(amount.scale);
  return Number(numerator / denominator);
}

/** The decimal rounded half-up to `places` places. */
export function roundHalfUp(value: Decimal, places: number): Decimal {
  if (value.scale <= places) return { units: value.units * pow10(places - value.scale), scale: places };
  const div = pow10(value.scale - places);
  const q = value.units / div;
  const r = value.units % div;
  return { units: 2n * r >= div ? q + 1n : q, scale: places };
}

/** amount * (1 - discount), rounded half-up to cents. */
export function payAmountFor(amount: Decimal, discount: number): Decimal {
  return roundHalfUp(mul(amount, sub(dec(1), dec(discount))), 2);
}

/** A decimal as text with exactly two places ("12.50"). */
export function money(value: Decimal): string {
  const cents = roundHalfUp(value, 2).units;
  const whole = cents / 100n;
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${frac}`;
}

/**
 * The amount in the currency's minor units as Stripe counts them: whole yen, cents, thousandths
 * of a dinar (ending in 0). Rounded half-up to what the currency's step allows. Throws for a
 * currency Stripe does not take.
 */
export function minorUnits(value: Decimal, currency: string): number {
  const unit = stripeUnit(currency);
  if (!unit) throw new Error(`Stripe does not take ${currency}`);
  const stepPlaces = String(unit.step).length - 1;
  return Number(roundHalfUp(value, unit.exponent - stepPlaces).units * BigInt(unit.step));
}

export interface Tier {
  min_amount: number;
  discount: number;
}

/** The largest discount that applies: the highest tier the amount reaches, or the enterprise one. */
export function discountFor(amount: Decimal, tiers: readonly Tier[], enterpriseDiscount: number | null): number {
  let best = enterpriseDiscount ?? 0;
  for (const tier of tiers) {
    if (compare(amount, dec(tier.min_amount)) >= 0 && tier.discount > best) best = tier.discount;
  }
  return best;
}

/** Units as an amount in a currency: units / 500000 USD * price_per_usd, exactly. */
export function unitsInCurrency(units: number, pricePerUsd: number): Decimal {
  const value = mul(dec(units), dec(pricePerUsd));
  // 500000 = 10^6 / 2: dividing by it is doubling and shifting six decimal places.
  return { units: value.units * 2n, scale: value.scale + 6 };
}
