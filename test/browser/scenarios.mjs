// The dashboard's browser scenarios, as the issue lists them: a customer logs in, sees the balance,
// makes a key and sees it once, finds a relay call with its IP in the request log, opens pricing;
// an operator sees a channel's health; in English and Chinese; with no console errors.
import { assert, assertEqual, dollars } from './harness.mjs';
import { api, CUSTOMER, CUSTOMER_IP, OTHER_IP, relayChat } from './seed.mjs';

async function uiLogin(page, username, password) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('form[data-testid=login-form] button[type=submit]')]);
}

/** Clicks something whose success reloads the page, and waits for the new page. */
async function clickAndReload(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

const text = async (locator) => (await locator.innerText()).trim();

export function defineScenarios(r, env) {
  const { base, adminCreds, seeded, anon, customer, operator, docsShot, shotPath } = env;
  const state = { key: null };

  // ---- logged out ---------------------------------------------------------------------------
  r.step('login page has username and password inputs, in English and Chinese', anon, async ({ page }) => {
    const res = await page.goto('/');
    assertEqual(res.status(), 200, 'GET / status');
    const csp = res.headers()['content-security-policy'] ?? '';
    assert(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP missing or weak: ${csp}`);
    assert((await page.locator('input[name=username]').count()) === 1, 'no username input');
    assert((await page.locator('input[name=password][type=password]').count()) === 1, 'no password input');
    assertEqual(await text(page.locator('h1')), 'Log in', 'English heading');
    await page.goto('/?lang=zh');
    assertEqual(await text(page.locator('h1')), '登录', 'Chinese heading');
    assertEqual(await page.locator('html').getAttribute('lang'), 'zh-CN', 'html lang');
    await page.screenshot({ path: shotPath('login-zh') });
    await page.goto('/?lang=en');
  });

  r.step('a wrong password is refused on the login page', anon, async ({ page }) => {
    await page.goto('/login');
    await page.fill('input[name=username]', CUSTOMER.username);
    await page.fill('input[name=password]', 'not-the-password');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    assert((await text(page.locator('[role=alert]'))).includes('Wrong username or password'), 'no error shown');
  });

  r.step('pages need a login; pricing is public', anon, async ({ page }) => {
    await page.goto('/keys');
    const url = new URL(page.url());
    assertEqual(url.pathname, '/login', 'redirected to');
    assertEqual(url.searchParams.get('next'), '/keys', 'next');
    await page.goto('/pricing');
    const row = page.locator('tr[data-model="gpt-4o-mini"]');
    assertEqual(await text(row.locator('[data-testid=price-input]')), '$0.15', 'gpt-4o-mini input per 1M');
  });

  // ---- the customer -------------------------------------------------------------------------
  r.step('customer logs in and sees the balance', customer, async ({ page, context }) => {
    await uiLogin(page, CUSTOMER.username, CUSTOMER.password);
    assertEqual(new URL(page.url()).pathname, '/', 'landed on');
    const live = await seeded.me.get(`/api/users/${seeded.customer.id}`);
    assertEqual(await text(page.locator('[data-testid=balance] .value')), dollars(live.quota), 'balance card');
    assert(
      (await text(page.locator('[data-testid=spent-today] .value'))) === dollars(live.used_quota),
      'spent today equals what was used',
    );
    const cookie = (await context.cookies()).find((c) => c.name === 'relay_session');
    assert(cookie, 'no session cookie');
    assert(cookie.httpOnly, 'session cookie is not HttpOnly');
    assertEqual(cookie.sameSite, 'Strict', 'session cookie SameSite');
    assert((await page.locator('#usage-chart svg rect').count()) > 0, 'usage chart has no bars');
    assert((await page.locator('#rpm-chart svg path').count()) >= 2, 'rpm chart has no line');
    assert(
      (await page.locator('#usage-chart .legend li').count()) === 2,
      'usage legend should list the two models used',
    );
    await page.screenshot({ path: docsShot, fullPage: true });
  });

  r.step('overview in Chinese and yuan', customer, async ({ page }) => {
    await page.goto('/?lang=zh&currency=CNY');
    assertEqual(await text(page.locator('h1')), '概览', 'Chinese heading');
    assert((await text(page.locator('nav.nav'))).includes('API 密钥'), 'Chinese navigation');
    const live = await seeded.me.get(`/api/users/${seeded.customer.id}`);
    assertEqual(
      await text(page.locator('[data-testid=balance] .value')),
      dollars(live.quota, 7.2, '¥'),
      'balance in yuan',
    );
    await page.screenshot({ path: shotPath('overview-zh-cny'), fullPage: true });
    await page.goto('/keys');
    assertEqual(await text(page.locator('h1')), 'API 密钥', 'the language is kept in a cookie');
    await page.goto('/?lang=en&currency=USD');
    assertEqual(await text(page.locator('h1')), 'Overview', 'back to English');
  });

  r.step('customer creates a key and sees it only once', customer, async ({ page }) => {
    await page.goto('/keys');
    await page.click('[data-testid=new-key-button]');
    const form = page.locator('#token-form form');
    await form.locator('input[name=name]').fill('ci-key');
    await form.locator('input[name=rpm_limit]').fill('600');
    await page.screenshot({ path: shotPath('new-key-form') });
    await form.locator('button[type=submit]').click();
    const dialog = page.locator('#key-dialog[open]');
    await dialog.waitFor();
    const key = await text(page.locator('#new-key'));
    assert(/^sk-[A-Za-z0-9]{48}$/.test(key), `the key shown is not a key: ${key}`);
    state.key = key;
    await page.screenshot({ path: shotPath('key-shown-once'), mask: [page.locator('#new-key')] });
    await page.click('[data-testid=copy-key]');
    await page.locator('[data-testid=copy-key]', { hasText: 'Copied' }).waitFor();
    const served = await relayChat(base, key, 'gpt-4o-mini', '192.0.2.50');
    assert(served.data.choices?.length, 'the new key does not work');
    await clickAndReload(page, dialog.locator('button[data-close]'));
    const html = await page.content();
    assert(!html.includes(key), 'the whole key is still on the page after the dialog closed');
    const row = page.locator('tr[data-token-name="ci-key"]');
    assertEqual(
      await text(row.locator('[data-testid=masked-key]')),
      `${key.slice(0, 7)}...${key.slice(-4)}`,
      'masked key',
    );
    assert((await text(row)).includes('600 RPM'), 'the RPM limit is shown');
    await page.goto('/keys');
    assert(!(await page.content()).includes(key), 'the key is rendered again on a fresh load');
  });

  r.step('customer disables, enables, rotates and deletes a key', customer, async ({ page }) => {
    await page.goto('/keys');
    const row = () => page.locator('tr[data-token-name="ci-key"]');
    await clickAndReload(page, row().locator('button', { hasText: 'Disable' }));
    assertEqual(await text(row().locator('.badge')), 'Disabled', 'status after disabling');
    const refused = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${state.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assertEqual(refused.status, 403, 'a disabled key is refused');
    await clickAndReload(page, row().locator('button', { hasText: 'Enable' }));
    assertEqual(await text(row().locator('.badge')), 'Enabled', 'status after enabling');
    await row().locator('button', { hasText: 'Edit' }).click();
    const form = page.locator('#token-form form');
    assertEqual(await form.locator('input[name=rpm_limit]').inputValue(), '600', 'the edit form is filled');
    await form.locator('textarea[name=allow_ips]').fill('203.0.113.0/24');
    await form.locator('input[name=tpm_limit]').fill('100000');
    await clickAndReload(page, form.locator('button[type=submit]'));
    assert((await text(row())).includes('203.0.113.0/24'), 'the IP allow-list is shown');
    assert((await text(row())).includes('100,000 TPM'), 'the TPM limit is shown');
    await row().locator('button', { hasText: 'Rotate' }).click();
    await page.locator('#key-dialog[open]').waitFor();
    const rotated = await text(page.locator('#new-key'));
    assert(/^sk-[A-Za-z0-9]{48}$/.test(rotated) && rotated !== state.key, 'rotation shows a new key');
    await clickAndReload(page, page.locator('#key-dialog button[data-close]'));
    assert(!(await page.content()).includes(rotated), 'the rotated key stays on the page');
    await clickAndReload(page, row().locator('button', { hasText: 'Delete' }));
    assertEqual(await row().count(), 0, 'the deleted key is gone');
  });

  r.step('customer finds the relay call in the request log, its new IP marked', customer, async ({ page }) => {
    await page.goto('/logs');
    const rows = page.locator('[data-testid=log-table] tbody tr');
    const fromCustomerIp = rows.filter({ has: page.locator('[data-testid=log-ip]', { hasText: CUSTOMER_IP }) });
    assert((await fromCustomerIp.count()) >= 4, 'the calls from 203.0.113.7 are not all listed');
    const marked = fromCustomerIp.filter({ has: page.locator('.badge', { hasText: 'new' }) });
    assertEqual(await marked.count(), 1, 'rows marking 203.0.113.7 as new for seed-key');
    assert((await text(marked.first())).includes('seed-key'), 'the row names its key');
    assert((await text(marked.first())).includes('gpt-4o-mini'), 'the first call was to gpt-4o-mini');
    const other = rows.filter({ has: page.locator('[data-testid=log-ip]', { hasText: OTHER_IP }) });
    assertEqual(
      await other.filter({ has: page.locator('.badge', { hasText: 'new' }) }).count(),
      1,
      'the other IP is marked new too',
    );

    await page.fill('input[name=ip]', CUSTOMER_IP);
    await page.selectOption('select[name=token_id]', { label: 'seed-key' });
    await Promise.all([page.waitForNavigation(), page.click('form[data-testid=log-filters] button[type=submit]')]);
    const ips = await page.locator('[data-testid=log-ip] .mono').allInnerTexts();
    assert(ips.length >= 4 && ips.every((ip) => ip === CUSTOMER_IP), `IP filter: ${ips.join(', ')}`);

    await page.fill('input[name=model]', 'gpt-4o');
    await Promise.all([page.waitForNavigation(), page.click('form[data-testid=log-filters] button[type=submit]')]);
    assertEqual(await rows.count(), 1, 'rows for gpt-4o from 203.0.113.7');

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.goto(`/logs?from=${tomorrow}`);
    assertEqual(await page.locator('[data-testid=log-table]').count(), 0, 'no rows from tomorrow on');
    await page.goto('/logs');
  });

  r.step('customer opens pricing', customer, async ({ page }) => {
    await page.goto('/pricing');
    const row = (m) => page.locator(`tr[data-model="${m}"]`);
    assertEqual(await text(row('gpt-4o-mini').locator('[data-testid=price-input]')), '$0.15', 'gpt-4o-mini input');
    assertEqual(await text(row('gpt-4o-mini').locator('[data-testid=price-output]')), '$0.60', 'gpt-4o-mini output');
    assertEqual(await text(row('gpt-4o').locator('[data-testid=price-output]')), '$10.00', 'gpt-4o output');
    assertEqual(await text(row('dall-e-3').locator('[data-testid=price-call]')), '$0.04', 'dall-e-3 per call');
    assert((await text(row('gpt-4o'))).includes('cache 0.5'), 'ratios are shown');
    await page.goto('/pricing?group=vip');
    assertEqual(await text(row('gpt-4o-mini').locator('[data-testid=price-input]')), '$0.12', 'vip group price');
  });

  r.step('customer changes the password', customer, async ({ page }) => {
    await page.goto('/account');
    const form = page.locator('form[data-testid=password-form]');
    await form.locator('input[name=current_password]').fill(CUSTOMER.password);
    await form.locator('input[name=new_password]').fill('a-new-password-1');
    await form.locator('input[name=confirm_password]').fill('something-else');
    await form.locator('button[type=submit]').click();
    assert((await text(form.locator('.form-error'))).includes('differ'), 'a mismatch is caught');
    await form.locator('input[name=confirm_password]').fill('a-new-password-1');
    await form.locator('button[type=submit]').click();
    await page.locator('.toast.show', { hasText: 'Password changed' }).waitFor();
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: CUSTOMER.username, password: 'a-new-password-1' }),
    });
    assertEqual(res.status, 200, 'login with the new password');
    const { token } = await res.json();
    const back = await fetch(`${base}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ current_password: 'a-new-password-1', new_password: CUSTOMER.password }),
    });
    assertEqual(back.status, 200, 'password changed back');
    // the seed's API session for the customer ended with the change too: use the renewed one
    seeded.me = api(base, (await back.json()).token);
    // a password change ends the other sessions, this browser's among them (unless it was renewed
    // within the same second): start afresh and log in again
    await page.context().clearCookies();
    await uiLogin(page, CUSTOMER.username, CUSTOMER.password);
  });

  r.step(
    'operator pages and cookie changes without the CSRF header are refused',
    customer,
    async ({ page, context }) => {
      for (const path of [
        '/admin/channels',
        '/admin/users',
        '/admin/pricing',
        '/admin/logs',
        '/admin/maintenance',
        '/admin/settings',
      ]) {
        const res = await context.request.get(path, { maxRedirects: 0 });
        assertEqual(res.status(), 403, `${path} for a customer`);
      }
      const forged = await context.request.post('/api/tokens', { data: { name: 'forged' } });
      assertEqual(forged.status(), 403, 'POST /api/tokens with the cookie but no x-relay-csrf');
      const channels = await context.request.get('/api/channels');
      assertEqual(channels.status(), 403, 'GET /api/channels for a customer');
      await page.goto('/account');
    },
  );

  // ---- the operator -------------------------------------------------------------------------
  r.step('operator logs in and sees the channel health', operator, async ({ page }) => {
    await uiLogin(page, adminCreds.username, adminCreds.password);
    await page.goto('/admin/channels');
    const row = page.locator('tr[data-channel-name="fake-openai"]');
    const health = row.locator('[data-testid=channel-health]');
    assertEqual(await health.getAttribute('data-state'), 'closed', 'circuit state');
    assert((await text(health)).includes('Healthy'), 'health label');
    await row.locator('[data-testid=test-channel]').click();
    const result = row.locator('[data-testid=test-result][data-outcome]');
    await result.waitFor();
    assertEqual(await result.getAttribute('data-outcome'), 'ok', `channel test: ${await text(result)}`);
    assert(/OK in \d+ ms/.test(await text(result)), 'test result text');
    // Served calls only sample latency; the test call always records it.
    await page.screenshot({ path: shotPath('channel-test-result') });
    await page.reload();
    assert(/\d+ ms/.test(await text(row.locator('[data-testid=channel-latency]'))), 'latency after the test');
    assertEqual(await health.getAttribute('data-state'), 'closed', 'still healthy after the test');
  });

  r.step('operator edits a channel', operator, async ({ page }) => {
    await page.goto('/admin/channels');
    const row = page.locator('tr[data-channel-name="fake-openai"]');
    await row.locator('button', { hasText: 'Edit' }).click();
    const form = page.locator('#channel-form form');
    assertEqual(await form.locator('input[name=base_url]').inputValue(), seeded.channel.base_url, 'the form is filled');
    await form.locator('input[name=priority]').fill('5');
    await clickAndReload(page, form.locator('button[type=submit]'));
    assert((await text(page.locator('tr[data-channel-name="fake-openai"]'))).includes('5 / 1'), 'priority saved');
    const ch = await seeded.admin.get(`/api/channels/${seeded.channel.id}`);
    assertEqual(ch.key_count, 1, 'the upstream key was kept');
  });

  r.step('operator adjusts a balance with a note', operator, async ({ page }) => {
    const before = await seeded.admin.get(`/api/users/${seeded.customer.id}`);
    await page.goto('/admin/users');
    const row = page.locator(`tr[data-username="${CUSTOMER.username}"]`);
    assertEqual(await text(row.locator('[data-testid=user-balance]')), dollars(before.quota), 'balance before');
    await row.locator('[data-testid=adjust-balance]').click();
    const form = page.locator('#quota-form form');
    await form.locator('input[name=delta]').fill('5');
    await form.locator('input[name=note]').fill('CI top-up');
    await clickAndReload(page, form.locator('button[type=submit]'));
    assertEqual(
      await text(page.locator(`tr[data-username="${CUSTOMER.username}"] [data-testid=user-balance]`)),
      dollars(before.quota + 2_500_000),
      'balance after',
    );
    const ledger = await seeded.admin.get(`/api/users/${seeded.customer.id}/ledger?limit=5`);
    assert(
      ledger.items.some((e) => e.note === 'CI top-up' && e.delta === 2_500_000),
      'the ledger entry carries the note',
    );
  });

  r.step('operator edits prices', operator, async ({ page }) => {
    await page.goto('/admin/pricing');
    await page.click('[data-add-row="model-row-template"]');
    await page.screenshot({ path: shotPath('price-editor-new-row') });
    const row = page.locator('#model-rows tr').last();
    await row.locator('input[name=model]').fill('ci-model');
    await row.locator('input[name=model_ratio]').fill('0.5');
    await row.locator('input[name=completion_ratio]').fill('2');
    assertEqual(await text(row.locator('[data-preview]')), '$1.00 / $2.00', 'live preview');
    await clickAndReload(page, page.locator('[data-testid=save-pricing]'));
    const pricing = await (await fetch(`${base}/api/pricing`)).json();
    const saved = pricing.models.find((m) => m.model === 'ci-model');
    assert(saved && saved.model_ratio === 0.5 && saved.completion_ratio === 2, 'saved through the API');
    assert(
      pricing.models.some((m) => m.model === 'dall-e-3' && m.price_per_call === 0.04),
      'other prices untouched',
    );
    await page.goto('/pricing');
    assertEqual(
      await text(page.locator('tr[data-model="ci-model"] [data-testid=price-output]')),
      '$2.00',
      'the new price is public',
    );
  });

  r.step("operator reads every user's logs", operator, async ({ page }) => {
    await page.goto('/admin/logs');
    const rows = page.locator('[data-testid=log-table] tbody tr');
    assert((await rows.filter({ hasText: CUSTOMER.username }).count()) >= 5, "alice's calls are listed");
    await page.fill('input[name=user]', CUSTOMER.username);
    await page.fill('input[name=ip]', CUSTOMER_IP);
    await Promise.all([page.waitForNavigation(), page.click('form[data-testid=log-filters] button[type=submit]')]);
    const ips = await page.locator('[data-testid=log-ip] .mono').allInnerTexts();
    assert(ips.length >= 4 && ips.every((ip) => ip === CUSTOMER_IP), 'filtered by user and IP');
  });

  r.step('operator runs maintenance', operator, async ({ page }) => {
    await page.goto('/admin/maintenance');
    await page.check('input[name=jobs][value=optimize]');
    await clickAndReload(page, page.locator('[data-testid=run-maintenance]'));
    const run = page.locator('[data-testid=runs-table] tbody tr').first();
    assert((await text(run)).includes('optimize'), 'the run is listed');
    assert(/\b(ok|partial)\b/.test(await text(run.locator('.badge'))), 'the run finished');
  });

  r.step('operator sets the yuan rate; amounts follow it', operator, async ({ page }) => {
    await page.goto('/admin/settings');
    await page.fill('input[name=usd_to_cny]', '7');
    await clickAndReload(page, page.locator('form[data-testid=settings-form] button[type=submit]'));
    const options = await seeded.admin.get('/api/options');
    assertEqual(options.usd_to_cny, 7, 'rate saved');
    await page.goto('/pricing?currency=CNY');
    assertEqual(
      await text(page.locator('tr[data-model="gpt-4o-mini"] [data-testid=price-input]')),
      '¥1.05',
      'price in yuan',
    );
    await page.goto('/pricing?currency=USD');
  });

  r.step('operator pages in Chinese', operator, async ({ page }) => {
    await page.goto('/admin/channels?lang=zh');
    assertEqual(await text(page.locator('h1')), '渠道', 'Chinese heading');
    assert((await text(page.locator('[data-testid=channel-health]').first())).includes('健康'), 'health in Chinese');
    await page.screenshot({ path: shotPath('channels-zh') });
    await page.goto('/admin/users');
    assertEqual(await text(page.locator('h1')), '用户', 'users page in Chinese');
    await page.goto('/logs');
    assertEqual(await text(page.locator('h1')), '请求日志', 'request log in Chinese');
    await page.screenshot({ path: shotPath('logs-zh'), fullPage: true });
    await page.goto('/admin/channels?lang=en');
  });

  r.step('customer sees the top-up on the overview, then logs out', customer, async ({ page }) => {
    await page.goto('/');
    const live = await seeded.me.get(`/api/users/${seeded.customer.id}`);
    assertEqual(
      await text(page.locator('[data-testid=balance] .value')),
      dollars(live.quota),
      'balance after the top-up',
    );
    await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button')]);
    assertEqual(new URL(page.url()).pathname, '/login', 'after logging out');
    await page.goto('/keys');
    assertEqual(new URL(page.url()).pathname, '/login', 'the session is gone');
  });
}
