/**
 * How Stripe counts each currency it takes (./stripe-currencies.json, copied from Stripe's
 * currency page; the source is named in the file): the minor unit an amount is sent in, and the
 * step it must be a multiple of.
 */
import table from './stripe-currencies.json';

export interface StripeUnit {
  /** Amounts are sent as value * 10^exponent. */
  exponent: number;
  /** ... and must be a multiple of this (10 for three-decimal currencies, 100 for ISK). */
  step: number;
}

const presentment = new Set(table.presentment);
const zero = new Set(table.zero_decimal);
const three = new Set(table.three_decimal.currencies);
const wholeInCents = new Set(table.whole_units_in_cents.currencies);

/** Stripe's unit for a currency code (any case), or null where Stripe does not take it. */
export function stripeUnit(currency: string): StripeUnit | null {
  const c = currency.toLowerCase();
  if (!presentment.has(c)) return null;
  if (zero.has(c)) return { exponent: 0, step: 1 };
  if (three.has(c)) return { exponent: 3, step: 10 };
  if (wholeInCents.has(c)) return { exponent: 2, step: 100 };
  return { exponent: 2, step: 1 };
}

export const stripeTakes = (currency: string): boolean => stripeUnit(currency) !== null;
