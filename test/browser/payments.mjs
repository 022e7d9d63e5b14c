// Top-up in the browser, against the fake gateways: a customer pays through the fake Epay cashier
// and comes back to a page that shows the balance arriving; an operator finds a late order by the
// number the customer reads out and completes it by hand, once.
import { assert, assertEqual } from './harness.mjs';
import { api, login } from './seed.mjs';

async function uiLogin(page, username, password) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('form[data-testid=login-form] button[type=submit]')]);
}

const text = async (locator) => (await locator.innerText()).trim();

/** A fresh customer with no balance, for the payment scenarios alone. */
async function newCustomer(base, admin, name) {
  const password = 'payer-pass-123';
  const user = await admin.post('/api/users', { username: name, password, quota: 0 });
  return { id: user.id, username: name, password, api: api(base, await login(base, name, password)) };
}

export function defineTopupScenarios(r, env) {
  const { base, adminCreds, payer, cashier, shotPath } = env;
  const state = {};

  r.step(
    'a customer tops up ¥500 through the Epay cashier: 3% off, and the balance arrives once',
    payer,
    async ({ page }) => {
      const admin = api(base, await login(base, adminCreds.username, adminCreds.password));
      state.admin = admin;
      state.customer = await newCustomer(base, admin, `payer${Date.now().toString(36)}`);
      await uiLogin(page, state.customer.username, state.customer.password);
      await page.goto('/topup?currency=CNY&lang=en');
      await page.fill('form[data-testid=topup-form] input[name=amount]', '500');
      await page.locator('[data-quote-slot=pay_amount]', { hasText: '¥485.00' }).waitFor();
      assertEqual(await text(page.locator('[data-quote-slot=discount]')), '3%', 'quoted discount');
      await page.selectOption('[data-testid=topup-method]', 'epay');
      await Promise.all([page.waitForURL(/\/epay\/submit\.php/), page.click('[data-testid=topup-submit]')]);
      assertEqual(
        await text(page.locator('[data-testid=epay-money]')),
        '485.00',
        'the cashier asks for the discounted amount',
      );
      state.orderNo = await text(page.locator('[data-testid=epay-order]'));
      await Promise.all([page.waitForURL(/\/topup\/return/), page.click('[data-testid=epay-pay]')]);
      await page.locator('[data-testid=return-status]', { hasText: 'Paid' }).waitFor();
      await page.screenshot({ path: shotPath('topup-paid') });
      const me = await state.customer.api.get(`/api/users/${state.customer.id}`);
      assertEqual(me.quota, Math.floor((500 / 7.3) * 500000), 'balance after the top-up');
      const orders = await state.customer.api.get('/api/topup/orders');
      assertEqual(orders.items[0].status, 'paid', 'order status');
      assertEqual(orders.items[0].completed_by, 'provider', 'completed by the gateway');
      await page.goto('/topup');
      assertEqual(
        await text(page.locator(`tr[data-order-no="${state.orderNo}"] [data-testid=order-status]`)),
        'paid',
        'the order list shows it paid',
      );
    },
  );

  r.step(
    'an operator finds a late order by the number read aloud and completes it by hand, in Chinese',
    cashier,
    async ({ page }) => {
      assert(state.customer, 'needs the customer of the previous step');
      const order = await state.customer.api.post('/api/topup', { amount: 100, method: 'epay', pay_type: 'wxpay' });
      assert(order.order_no, `no order: ${JSON.stringify(order)}`);
      await uiLogin(page, adminCreds.username, adminCreds.password);
      await page.goto('/admin/orders?lang=zh');
      const spoken = order.order_no.toLowerCase().replace(/-/g, ' ');
      await page.fill('form[data-testid=order-filters] input[name=order_no]', spoken);
      await Promise.all([page.waitForNavigation(), page.click('form[data-testid=order-filters] button[type=submit]')]);
      const row = page.locator(`tr[data-order-no="${order.order_no}"]`);
      assertEqual(await row.count(), 1, 'the order is found by its spoken number');
      assertEqual(await text(row.locator('[data-testid=order-status]')), '待支付', 'pending, in Chinese');
      await row.locator('[data-testid=order-complete]').click();
      await page.fill('#complete-form textarea[name=note]', '客户发来付款截图');
      await Promise.all([page.waitForNavigation(), page.click('#complete-form button[type=submit]')]);
      assertEqual(
        await text(page.locator(`tr[data-order-no="${order.order_no}"] [data-testid=order-status]`)),
        '已到账',
        'paid after completing',
      );
      await page.screenshot({ path: shotPath('order-completed-zh') });
      const before = (await state.customer.api.get(`/api/users/${state.customer.id}`)).quota;
      assertEqual(before, Math.floor((500 / 7.3) * 500000) + order.credit, 'credited exactly once more');
      const again = await fetch(`${base}/api/topup/orders/${order.order_no}/complete`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await login(base, adminCreds.username, adminCreds.password)}`,
        },
        body: JSON.stringify({ note: 'twice' }),
      });
      assertEqual(again.status, 409, 'a second completion');
      assertEqual(
        (await state.customer.api.get(`/api/users/${state.customer.id}`)).quota,
        before,
        'nothing credited twice',
      );
    },
  );
}
