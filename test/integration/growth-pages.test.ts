/** The dashboard's referral and plan pages render in both languages (issue 23). */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, setupCustomer, uniq } from '../helpers';
import { referralOptions, referralsOf } from '../support/growth';

const page = async (path: string, jwt?: string) => {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: jwt ? { cookie: `relay_session=${jwt}` } : {} });
  return { status: res.status, html: await res.text() };
};

describe('referral and plan pages', () => {
  it('show the invite link, the plans with their windows, the operator views and the sign-up invite, in English and Chinese', async () => {
    await referralOptions({ enabled: true, topup_rebate: 0.1, min_withdrawal: 1000 });
    const { admin, user, model } = await setupCustomer({ quota: 2_000_000 });
    const name = uniq('Coder ');
    const plan = await call<{ id: number }>('POST', '/api/plans', {
      jwt: admin,
      body: { name, price: '7.30', period_days: 7, models: [model], limits: [{ window: '5h', units: 100_000 }] },
    });
    expect(
      (await call('POST', `/api/plans/${plan.body.id}/subscribe`, { jwt: user.jwt, body: { method: 'balance' } }))
        .status,
    ).toBe(201);
    const { code, link } = await referralsOf(user.jwt);

    for (const [lang, words] of [
      ['en', ['Your invite link', 'Your plans', '5 hours']],
      ['zh', ['您的邀请链接', '我的套餐', '5 小时']],
    ] as const) {
      const refs = await page(`/referrals?lang=${lang}`, user.jwt);
      expect(refs.status).toBe(200);
      expect(refs.html).toContain(link);
      expect(refs.html).toContain(words[0]);
      const plans = await page(`/plans?lang=${lang}`, user.jwt);
      expect(plans.html).toContain(name);
      expect(plans.html).toContain(words[1]);
      expect(plans.html).toContain(words[2]);
      const overview = await page(`/?lang=${lang}`, user.jwt);
      expect(overview.html).toContain('data-testid="overview-plans"');
      expect((await page(`/admin/withdrawals?lang=${lang}`, admin)).status).toBe(200);
      expect((await page(`/admin/plans?lang=${lang}`, admin)).html).toContain(name);
      expect((await page(`/?lang=${lang}`, admin)).html).toContain('data-testid="revenue"');
    }
    const signup = await page(`/signup?invite=${code}`);
    expect(signup.html).toContain(`name="invite_code" value="${code}"`);
  });
});
