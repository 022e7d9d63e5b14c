/** Drives the fake gateways (scripts/fake-payments.mjs) from tests that run inside workerd. */
import { SELF, env } from 'cloudflare:test';
import { inject } from 'vitest';
import { BASE, call } from '../helpers';
import type { OrderView } from '../../worker/api/topup';

export const paymentsUrl = () => inject('paymentsUrl');

async function control<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${paymentsUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fake payments ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

export interface SignedEvent {
  payload: string;
  signature: string;
}

/** Pays the order's Checkout Session at the fake Stripe; answers the signed `checkout.session.completed` event. */
export const stripePay = (orderNo: string, opts: { amount_total?: number; timestamp?: number; secret?: string } = {}) =>
  control<SignedEvent>('/__stripe/pay', { order_no: orderNo, ...opts });

/** Any payload, signed as Stripe signs it. */
export const stripeSign = (payload: string, opts: { timestamp?: number; secret?: string } = {}) =>
  control<{ signature: string }>('/__stripe/sign', { payload, ...opts }).then((r) => r.signature);

export const deliverStripe = (event: SignedEvent) =>
  call<{ received: boolean }>('POST', '/api/payments/stripe/webhook', {
    raw: event.payload,
    headers: { 'stripe-signature': event.signature },
  });

/** Opens the order's pay_url at the fake Epay: the gateway checks the merchant's signature there. */
export async function openEpayPage(payUrl: string): Promise<{ status: number; text: string }> {
  const res = await fetch(payUrl);
  return { status: res.status, text: await res.text() };
}

/** A signed Epay notice for a submitted order; `overrides` change fields before signing (`__key` signs with another key). */
export const epayNotice = (orderNo: string, overrides: Record<string, string> = {}, paid = true) =>
  control<{ params: Record<string, string> }>('/__epay/notice', { out_trade_no: orderNo, overrides, paid }).then(
    (r) => r.params,
  );

/** Sends a notice to the relay as the gateway does (GET with the parameters in the query). */
export async function deliverEpay(params: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await SELF.fetch(`${BASE}/api/payments/epay/notify?${new URLSearchParams(params).toString()}`);
  return { status: res.status, text: await res.text() };
}

export async function newOrder(
  jwt: string,
  body: { amount: number | string; method: 'stripe' | 'epay'; pay_type?: string },
): Promise<OrderView> {
  const res = await call<OrderView>('POST', '/api/topup', { jwt, body });
  if (res.status !== 201) throw new Error(`POST /api/topup: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface LedgerLine {
  delta: number;
  reason: string;
  order_no: string | null;
}

/** The ledger's rows for a user, read straight from D1. */
export async function ledgerOf(userId: number): Promise<LedgerLine[]> {
  const { results } = await env.DB.prepare('SELECT delta, reason, order_no FROM ledger WHERE user_id = ? ORDER BY id')
    .bind(userId)
    .all<LedgerLine>();
  return results;
}

export async function eventsOf(kind: string): Promise<{ kind: string; message: string }[]> {
  const { results } = await env.DB.prepare('SELECT kind, message FROM events WHERE kind = ? ORDER BY id')
    .bind(kind)
    .all<{ kind: string; message: string }>();
  return results;
}

/**
 * The ledger invariant, for every user: the live balance equals the sum of the ledger's deltas.
 * Waits for buffered rows to reach D1, then asks the reconcile job too (a mismatch is an event).
 */
export async function expectLedgerInvariant(admin: string): Promise<void> {
  const { results: users } = await env.DB.prepare("SELECT id FROM users WHERE role = 'user'").all<{ id: number }>();
  const mismatched = async () => {
    const wrong: string[] = [];
    for (const { id } of users) {
      const live = (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt: admin })).body.quota;
      const row = await env.DB.prepare('SELECT COALESCE(SUM(delta), 0) AS sum FROM ledger WHERE user_id = ?')
        .bind(id)
        .first<{ sum: number }>();
      if (live !== row?.sum) wrong.push(`user ${id}: balance ${live}, ledger ${row?.sum}`);
    }
    return wrong;
  };
  let wrong = await mismatched();
  for (let i = 0; i < 50 && wrong.length; i++) {
    await new Promise((r) => setTimeout(r, 200));
    wrong = await mismatched();
  }
  if (wrong.length) throw new Error(`ledger invariant broken:\n${wrong.join('\n')}`);
  const before = (await eventsOf('balance_mismatch')).length;
  await call('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['reconcile'] } });
  if ((await eventsOf('balance_mismatch')).length !== before)
    throw new Error('reconcile found a balance that disagrees with its ledger');
}

export interface FakeSession {
  session: {
    id: string;
    amount_total: number;
    currency: string;
    client_reference_id: string | null;
    expires_at: number;
  };
  /** The form the relay sent, nested as Stripe reads it (values are strings). */
  params: {
    expires_at?: string;
    client_reference_id?: string;
    line_items: { price_data: { currency: string; unit_amount: string } }[];
  };
}

/** The Checkout Session the fake Stripe made for an order, with what the relay sent. */
export const stripeSession = (orderNo: string) => control<FakeSession>('/__stripe/session', { order_no: orderNo });

/** A session made at the fake Stripe without the relay (another session with the order's reference). */
export const stripeOtherSession = (orderNo: string, amount: number, currency = 'cny') =>
  control<{ id: string }>('/__stripe/sessions/create', { client_reference_id: orderNo, amount, currency });

export const stripePaySession = (id: string) => control<SignedEvent>('/__stripe/pay', { id });

/** Refunds `amount` more (minor units; the rest by default) of the order's charge: the signed `charge.refunded`. */
export const stripeRefund = (orderNo: string, amount?: number) =>
  control<SignedEvent>('/__stripe/refund', { order_no: orderNo, amount });

/** A signed `charge.dispute.created` for the order's charge. */
export const stripeDispute = (orderNo: string, amount?: number) =>
  control<SignedEvent>('/__stripe/dispute', { order_no: orderNo, amount });

/** How many notices the relay has refused from a gateway, ever (admin view). */
export async function refusedTotal(admin: string, gateway: 'stripe' | 'epay'): Promise<number> {
  const res = await call<Record<string, { total: number }>>('GET', '/api/payments/refused', { jwt: admin });
  if (res.status !== 200) throw new Error(`GET /api/payments/refused: ${res.status}`);
  return res.body[gateway].total;
}
