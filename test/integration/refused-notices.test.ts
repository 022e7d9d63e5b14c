/**
 * Forged payment notices cannot fill D1 (issue 19): each is counted, and each source records at
 * most one event a minute. Failed before the fix (one event row per notice).
 */
import { SELF, env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, createUser, rootJwt } from '../helpers';
import { deliverStripe } from '../support/payments';

interface Row {
  subject: string;
  details: string | null;
}

const refusedSince = async (id: number) =>
  (
    await env.DB.prepare(
      "SELECT subject, details FROM events WHERE kind = 'payment_notice_refused' AND id > ? ORDER BY id",
    )
      .bind(id)
      .all<Row>()
  ).results;
const lastEventId = async () =>
  (await env.DB.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events').first<{ id: number }>())?.id ?? 0;
const countIn = (rows: Row[], subject: string) =>
  rows
    .filter((r) => r.subject === subject)
    .reduce((sum, r) => sum + Number((JSON.parse(r.details ?? '{}') as { count?: number }).count ?? 0), 0);

async function inBatches(n: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 25)
    out.push(...(await Promise.all(Array.from({ length: Math.min(25, n - i) }, (_, j) => send(i + j)))));
  return out;
}

const forgedStripe = (i: number) =>
  deliverStripe({
    payload: JSON.stringify({ id: `evt_forged_${i}`, type: 'checkout.session.completed' }),
    signature: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
  }).then((r) => r.status);

const forgedEpay = async (i: number) => {
  const q = new URLSearchParams({
    pid: '1001',
    trade_no: `T${i}`,
    out_trade_no: `TP-FAKE-${i}`,
    type: 'alipay',
    name: 'x',
    money: '1.00',
    trade_status: 'TRADE_SUCCESS',
    sign: 'f'.repeat(32),
    sign_type: 'MD5',
  });
  const res = await SELF.fetch(`${BASE}/api/payments/epay/notify?${q.toString()}`);
  await res.text();
  return res.status;
};

/** Forged notices of each kind: 500 in all. */
const N = 250;
const tallies = async (admin: string) =>
  (await call<Record<string, { total: number; pending: number }>>('GET', '/api/payments/refused', { jwt: admin })).body;

describe('forged notices', () => {
  it('250 forged webhooks and 250 forged Epay notices write at most one event a minute per source, and every one is counted', async () => {
    const admin = await rootJwt();
    const start = await lastEventId();
    const before = await tallies(admin);
    const began = Date.now();

    expect(new Set(await inBatches(N, forgedStripe))).toEqual(new Set([400]));
    expect(new Set(await inBatches(N, forgedEpay))).toEqual(new Set([400]));

    // One row at the first refusal, then at most one a minute (this machine may take over a minute).
    const allowed = 1 + Math.floor((Date.now() - began) / 60_000);
    const rows = await refusedSince(start);
    expect(rows.filter((r) => r.subject === 'payment:stripe').length).toBeLessThanOrEqual(allowed);
    expect(rows.filter((r) => r.subject === 'payment:epay').length).toBeLessThanOrEqual(allowed);

    const after = await tallies(admin);
    expect(after.stripe.total - (before.stripe?.total ?? 0)).toBe(N);
    expect(after.epay.total - (before.epay?.total ?? 0)).toBe(N);

    // A minute on, each source writes one more row with the rest of the count.
    await runDurableObjectAlarm(env.NOTICE_TALLY.get(env.NOTICE_TALLY.idFromName('stripe')));
    await runDurableObjectAlarm(env.NOTICE_TALLY.get(env.NOTICE_TALLY.idFromName('epay')));
    const all = await refusedSince(start);
    expect(all.length).toBeLessThanOrEqual(2 * (allowed + 1));
    expect(countIn(all, 'payment:stripe')).toBe(N);
    expect(countIn(all, 'payment:epay')).toBe(N);
    expect((await tallies(admin)).stripe.pending).toBe(0);
  }, 300_000);

  it('customers may not read the tallies', async () => {
    const user = await createUser(await rootJwt(), { quota: 0 });
    expect((await call('GET', '/api/payments/refused', { jwt: user.jwt })).status).toBe(403);
  });
});
