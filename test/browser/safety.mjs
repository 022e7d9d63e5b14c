// Operator safety in the browser: a user turns on two-factor sign-in from the account page (the
// QR code drawn, the secret shown), then logs in with a code from it; an admin change shows on
// the audit page.
import { TOTP, Secret } from 'otpauth';
import { assert, assertEqual } from './harness.mjs';
import { api, login } from './seed.mjs';

const codeAt = (secret, ms) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });

async function fillLogin(page, username, password, totp) {
  await page.goto('/login?lang=en');
  await page.fill('form[data-testid=login-form] input[name=username]', username);
  await page.fill('form[data-testid=login-form] input[name=password]', password);
  if (totp) await page.fill('form[data-testid=login-form] input[name=totp]', totp);
  await Promise.all([page.waitForNavigation(), page.click('form[data-testid=login-form] button[type=submit]')]);
}

/** Waits out the last seconds of a 30-second step, so the codes around "now" stay valid for the scenario. */
async function freshStep() {
  const into = Date.now() % 30_000;
  if (into > 22_000) await new Promise((r) => setTimeout(r, 30_000 - into + 200));
  return Date.now();
}

export function defineSafetyScenarios(r, env) {
  const { base, adminCreds, guard, shotPath } = env;
  const who = { username: `tfa${Date.now().toString(36)}`, password: 'two-factor-pass-1' };
  let secret = '';
  let enabledAt = 0;

  r.step('a user turns on two-factor sign-in from the account page, with the QR code', guard, async ({ page }) => {
    const admin = api(base, await login(base, adminCreds.username, adminCreds.password));
    await admin.post('/api/users', { ...who, quota: 0 });
    await fillLogin(page, who.username, who.password);
    await page.goto('/account?lang=en');
    assertEqual(await page.getAttribute('[data-testid=totp-state]', 'data-on'), '0', 'two-factor starts off');
    await page.click('[data-testid=totp-setup]');
    await page.locator('[data-testid=totp-qr] svg').waitFor();
    secret = (await page.innerText('[data-testid=totp-secret]')).trim();
    assert(/^[A-Z2-7]{32}$/.test(secret), `a base32 secret is shown: ${secret}`);
    enabledAt = await freshStep();
    await page.fill('form[data-testid=totp-enable-form] input[name=code]', codeAt(secret, enabledAt));
    await page.screenshot({ path: shotPath('totp-setup') });
    await Promise.all([page.waitForNavigation(), page.click('[data-testid=totp-enable]')]);
    assertEqual(await page.getAttribute('[data-testid=totp-state]', 'data-on'), '1', 'two-factor is on after the code');
  });

  r.step('the user then logs in with a code, and not without one', guard, async ({ page, context }) => {
    await context.clearCookies();
    await fillLogin(page, who.username, who.password);
    assert(new URL(page.url()).searchParams.get('error') === 'totp', `asked for the code: ${page.url()}`);
    assert((await page.innerText('[role=alert]')).includes('6-digit code'), 'the form says a code is needed');
    await fillLogin(page, who.username, who.password, codeAt(secret, enabledAt + 30_000));
    assertEqual(new URL(page.url()).pathname, '/', 'logged in to the overview');
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(who),
    });
    assertEqual(res.status, 401, 'the API refuses a login without the code');
  });

  r.step('an admin change shows on the audit page', guard, async ({ page, context }) => {
    const adminToken = await login(base, adminCreds.username, adminCreds.password);
    const admin = api(base, adminToken);
    const users = await admin.get(`/api/users?q=${who.username}`);
    const note = `browser audit ${Date.now().toString(36)}`;
    await admin.post(`/api/users/${users.items[0].id}/quota`, { delta: 4321, note });
    await context.clearCookies();
    await fillLogin(page, adminCreds.username, adminCreds.password);
    await page.goto('/admin/audit?lang=en');
    const row = page.locator('[data-testid=audit] tr', { hasText: note });
    await row.waitFor();
    assert((await row.innerText()).includes('user.quota'), 'the row names the action');
    await Promise.all([page.waitForNavigation(), row.locator('[data-testid=audit-action]').click()]);
    const actions = await page.locator('[data-testid=audit-action]').allInnerTexts();
    assert(
      actions.length > 0 && actions.every((a) => a.trim() === 'user.quota'),
      `filtered by action: ${actions.join(', ')}`,
    );
  });
}
