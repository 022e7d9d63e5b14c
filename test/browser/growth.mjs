// Plans and referrals in the browser: a customer buys a plan from the balance (English) and
// another through the Epay cashier (Chinese), and sees the windows; a customer shares the invite
// link from the Referrals page (Chinese), and a friend signs up through it (English).
import { assert, assertEqual } from './harness.mjs';
import { api, login } from './seed.mjs';

async function uiLogin(page, username, password) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('form[data-testid=login-form] button[type=submit]')]);
}

const text = async (locator) => (await locator.innerText()).trim();

async function newCustomer(base, admin, name, quota) {
  const password = 'grower-pass-123';
  const user = await admin.post('/api/users', { username: name, password, quota });
  return { id: user.id, username: name, password, api: api(base, await login(base, name, password)) };
}

export function defineGrowthScenarios(r, env) {
  const { base, adminCreds, buyer, friend, shotPath } = env;
  const state = {};

  r.step(
    'a customer buys a plan from the balance and sees its windows, in English; another through Epay, in Chinese',
    buyer,
    async ({ page }) => {
      const admin = api(base, await login(base, adminCreds.username, adminCreds.password));
      state.admin = admin;
      const plan = await admin.post('/api/plans', {
        name: `Coder ${Date.now().toString(36)}`,
        price: '7.30',
        period_days: 30,
        models: null,
        limits: [
          { window: '5h', units: 250000 },
          { window: '7d', units: 2000000 },
        ],
      });
      assert(plan.id, `no plan: ${JSON.stringify(plan)}`);
      state.customer = await newCustomer(base, admin, `buyer${Date.now().toString(36)}`, 1_000_000);
      await uiLogin(page, state.customer.username, state.customer.password);
      await page.goto('/plans?lang=en&currency=USD');
      const row = page.locator(`tr[data-plan="${plan.name}"]`);
      await row.locator('[data-testid=plan-method]').selectOption('balance');
      await Promise.all([page.waitForNavigation(), row.locator('button[type=submit]').click()]);
      const windows = page.locator('[data-testid=my-plans] [data-testid=plan-windows]');
      await windows.first().waitFor();
      assertEqual(
        await text(windows.first().locator('tr[data-window="5h"] td').first()),
        '5 hours',
        'the 5-hour window, in English',
      );
      assertEqual(
        await text(windows.first().locator('tr[data-window="5h"] td').nth(2)),
        '$0.50',
        "its limit in the customer's currency",
      );
      await page.screenshot({ path: shotPath('plan-bought-en') });
      assertEqual(
        (await state.customer.api.get(`/api/users/${state.customer.id}`)).quota,
        500_000,
        'one plan row taken from the balance',
      );

      await page.goto('/plans?lang=zh');
      await row.locator('[data-testid=plan-method]').selectOption('epay');
      await Promise.all([page.waitForURL(/\/epay\/submit\.php/), row.locator('button[type=submit]').click()]);
      assertEqual(await text(page.locator('[data-testid=epay-money]')), '7.30', 'the cashier asks for the plan price');
      await Promise.all([page.waitForURL(/\/topup\/return/), page.click('[data-testid=epay-pay]')]);
      await page.goto('/plans?lang=zh');
      assertEqual(
        await page.locator('[data-testid=my-plans] [data-testid=plan-windows]').count(),
        2,
        'the paid plan queues behind the first',
      );
      assertEqual(
        await text(page.locator('[data-testid=my-plans] tr[data-window="7d"] td').first()),
        '7 天',
        'windows named in Chinese',
      );
      await page.screenshot({ path: shotPath('plan-bought-zh') });
      assertEqual(
        (await state.customer.api.get(`/api/users/${state.customer.id}`)).quota,
        500_000,
        'the Epay plan did not touch the balance',
      );
    },
  );

  r.step('the customer copies the invite link from the Referrals page, in Chinese', buyer, async ({ page }) => {
    assert(state.customer, 'needs the customer of the previous step');
    await state.admin.put('/api/options', {
      signup: { enabled: true },
      referral: { enabled: true, topup_rebate: 0.05 },
    });
    await page.goto('/referrals?lang=zh');
    assertEqual(await text(page.locator('h1')), '邀请返利', 'the Referrals page, in Chinese');
    const link = await text(page.locator('[data-testid=invite-link]'));
    assert(/\/signup\?invite=[A-Z0-9]{8}$/.test(link), `an invite link: ${link}`);
    await page.click('[data-testid=copy-invite]');
    assertEqual(await text(page.locator('[data-testid=invited] .value')), '0', 'nobody invited yet');
    await page.screenshot({ path: shotPath('referrals-zh') });
    state.link = link;
  });

  r.step(
    'a friend opens the invite link and signs up through it, in English; the Referrals page counts them',
    friend,
    async ({ page }) => {
      assert(state.link, 'needs the link of the previous step');
      await page.goto(`${state.link}&lang=en`);
      const name = `friend${Date.now().toString(36)}`;
      await page.fill('form[data-testid=signup-form] input[name=username]', name);
      await page.fill('form[data-testid=signup-form] input[name=email]', `${name}@example.test`);
      await page.fill('form[data-testid=signup-form] input[name=password]', 'friend-pass-123');
      await page.click('form[data-testid=signup-form] button[type=submit]');
      let invited = 0;
      for (let i = 0; i < 50 && invited === 0; i++) {
        invited = (await state.customer.api.get('/api/referrals')).invited;
        if (invited === 0) await new Promise((res) => setTimeout(res, 100));
      }
      assertEqual(invited, 1, 'the friend counts as invited');
      await uiLogin(page, state.customer.username, state.customer.password);
      await page.goto('/referrals?lang=en');
      assertEqual(
        await text(page.locator('[data-testid=invited] .value')),
        '1',
        'the Referrals page counts the friend, in English',
      );
    },
  );
}
