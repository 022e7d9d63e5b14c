/** Referral and plan helpers for tests inside workerd. */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { call, login, rootJwt, uniq, waitFor, type TestUser } from '../helpers';
import { signLink } from '../../worker/mail/sign';

export interface Referrals {
  enabled: boolean;
  code: string;
  link: string;
  invited: number;
  rebate_balance: number;
  rebate_total: number;
  rebate_held: number;
  items: { kind: string; units: number; order_no: string | null; withdrawal_id: string | null }[];
}

export const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

export async function referralOptions(body: Record<string, unknown>): Promise<void> {
  const admin = await rootJwt();
  expect(
    (await call('PUT', '/api/options', { jwt: admin, body: { signup: { enabled: true, bonus: 0 }, referral: body } }))
      .status,
  ).toBe(200);
}

export const referralsOf = async (jwt: string) => {
  const res = await call<Referrals>('GET', '/api/referrals', { jwt });
  expect(res.status).toBe(200);
  return res.body;
};

/** Signs up through the API with an invite code, confirms the address as its mailed link would, and logs in. */
export async function signUp(
  opts: { invite?: string; email?: string; ip?: string } = {},
): Promise<TestUser & { email: string }> {
  const username = uniq('inv');
  const email = opts.email ?? `${username}@example.test`;
  const password = 'password-123';
  const res = await call<{ id: number }>('POST', '/api/auth/register', {
    body: { username, password, email, ...(opts.invite ? { invite_code: opts.invite } : {}) },
    headers: { 'cf-connecting-ip': opts.ip ?? randomIp() },
  });
  expect(res.status).toBe(201);
  const link = await signLink(env, { p: 'verify', u: res.body.id, e: email, exp: Date.now() + 60_000 });
  expect((await call('POST', `/mail/verify?t=${link}`)).status).toBe(200);
  return { id: res.body.id, username, password, email, jwt: await login(username, password) };
}

/** The rebate history in D1 adds up to the rebate balance (once the account object has flushed). */
export async function expectRebateInvariant(jwt: string, userId: number): Promise<void> {
  await waitFor(async () => {
    const view = await referralsOf(jwt);
    const row = await env.DB.prepare('SELECT COALESCE(SUM(units), 0) AS sum FROM rebates WHERE user_id = ?')
      .bind(userId)
      .first<{ sum: number }>();
    return row?.sum === view.rebate_balance;
  }, 10_000);
}
