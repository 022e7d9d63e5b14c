/**
 * Stripe Checkout through the official library, with its fetch HTTP client and SubtleCrypto
 * signature provider (Workers have neither Node's http nor its crypto). STRIPE_API_BASE points
 * it elsewhere for tests.
 */
import Stripe from 'stripe';
import type { Settings } from '../env';

export interface StripeSetup {
  secretKey: string;
  webhookSecret: string;
  apiBase: string;
}

/** Stripe is on when its secret and webhook secret are set. */
export function stripeSetup(s: Settings): StripeSetup | null {
  return s.STRIPE_SECRET_KEY && s.STRIPE_WEBHOOK_SECRET
    ? { secretKey: s.STRIPE_SECRET_KEY, webhookSecret: s.STRIPE_WEBHOOK_SECRET, apiBase: s.STRIPE_API_BASE }
    : null;
}

/** Signatures older than this are refused (Stripe's own default). */
export const TOLERANCE_SECONDS = 300;

function client(setup: StripeSetup): Stripe {
  const base = new URL(setup.apiBase);
  return new Stripe(setup.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    host: base.hostname,
    port: base.port || (base.protocol === 'https:' ? 443 : 80),
    protocol: base.protocol === 'http:' ? 'http' : 'https',
    maxNetworkRetries: 1,
    timeout: 15_000,
  });
}

const cryptoProvider = Stripe.createSubtleCryptoProvider();

export interface CheckoutInput {
  orderNo: string;
  /** In the currency's minor units. */
  unitAmount: number;
  currency: string;
  productName: string;
  successUrl: string;
  cancelUrl: string;
  /** When the session stops taking payment, in ms (clamped to what Stripe accepts). */
  expiresAt: number;
}

/** Stripe takes `expires_at` from 30 minutes to 24 hours after the session is made; a margin on each side absorbs clock skew. */
export function sessionExpiry(wanted: number, now: number): number {
  const earliest = now + 31 * 60_000;
  const latest = now + 24 * 3_600_000 - 60_000;
  return Math.floor(Math.min(latest, Math.max(earliest, wanted)) / 1000);
}

/** A Checkout Session for one order: mode payment, one line item, the order number as reference. */
export async function createCheckout(setup: StripeSetup, o: CheckoutInput): Promise<{ id: string; url: string }> {
  const session = await client(setup).checkout.sessions.create({
    mode: 'payment',
    client_reference_id: o.orderNo,
    metadata: { order_no: o.orderNo },
    payment_intent_data: { metadata: { order_no: o.orderNo } },
    expires_at: sessionExpiry(o.expiresAt, Date.now()),
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: o.currency.toLowerCase(),
          unit_amount: o.unitAmount,
          product_data: { name: o.productName },
        },
      },
    ],
    success_url: o.successUrl,
    cancel_url: o.cancelUrl,
  });
  if (!session.url) throw new Error('Stripe answered a Checkout Session without a url');
  return { id: session.id, url: session.url };
}

export interface PaidSession {
  id: string;
  orderNo: string | null;
  paid: boolean;
  amountTotal: number | null;
  currency: string | null;
  paymentIntent: string | null;
}

const paidSession = (s: Stripe.Checkout.Session): PaidSession => ({
  id: s.id,
  orderNo: s.client_reference_id ?? null,
  paid: s.payment_status === 'paid',
  amountTotal: s.amount_total ?? null,
  currency: s.currency ?? null,
  paymentIntent: typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null),
});

/** The session as Stripe sees it now ("check with the gateway"). */
export async function retrieveSession(setup: StripeSetup, id: string): Promise<PaidSession> {
  return paidSession(await client(setup).checkout.sessions.retrieve(id));
}

export interface ChargeRefund {
  charge: string;
  paymentIntent: string | null;
  /** In minor units: the charge, and what has been refunded of it so far (cumulative). */
  amount: number;
  refunded: number;
}

export interface ChargeDispute {
  id: string;
  paymentIntent: string | null;
  amount: number;
}

export type StripeNotice =
  | { kind: 'checkout'; session: PaidSession }
  | { kind: 'refund'; refund: ChargeRefund }
  | { kind: 'dispute'; dispute: ChargeDispute }
  | { kind: 'other' };

const idOf = (v: string | { id: string } | null | undefined): string | null =>
  typeof v === 'string' ? v : (v?.id ?? null);

/**
 * A webhook event, verified as Stripe documents it: the `Stripe-Signature` header's HMAC-SHA256
 * over `timestamp.payload`, not older than 300 s. Throws on a bad or stale signature. Answers the
 * completed Checkout Session, refunded charge or new dispute it carries.
 */
export async function verifiedEvent(setup: StripeSetup, payload: string, signature: string): Promise<StripeNotice> {
  const event = await Stripe.webhooks.constructEventAsync(
    payload,
    signature,
    setup.webhookSecret,
    TOLERANCE_SECONDS,
    cryptoProvider,
  );
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return { kind: 'checkout', session: paidSession(event.data.object) };
    case 'charge.refunded': {
      const c = event.data.object;
      return {
        kind: 'refund',
        refund: { charge: c.id, paymentIntent: idOf(c.payment_intent), amount: c.amount, refunded: c.amount_refunded },
      };
    }
    case 'charge.dispute.created': {
      const d = event.data.object;
      return { kind: 'dispute', dispute: { id: d.id, paymentIntent: idOf(d.payment_intent), amount: d.amount } };
    }
    default:
      return { kind: 'other' };
  }
}
