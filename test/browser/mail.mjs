// Mail in the browser, against a real SMTP server (smtp-server): a visitor signs up, confirms the
// address from the mailed link and finds the bonus; forgets the password and sets a new one from
// the mailed link; a customer sets what to be mailed about on the settings page, confirming a new
// address with the password and the mailed link.
import { assert, assertEqual } from './harness.mjs';
import { api, login } from './seed.mjs';

const BONUS = 250_000;

async function mailTo(controlUrl, address, subjectPart) {
  for (let i = 0; i < 100; i++) {
    const { mails } = await (await fetch(`${controlUrl}/mails?to=${encodeURIComponent(address)}`)).json();
    const mail = mails.find((m) => (m.headers.subject ?? '').includes(subjectPart));
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail "${subjectPart}" reached ${address}`);
}

const linkIn = (mail, path) => {
  const m = new RegExp(`https?://[^\\s"<>]+${path.replace(/[/?]/g, (c) => `\\${c}`)}\\?t=[^\\s"<>]+`).exec(mail.text);
  if (!m) throw new Error(`no ${path} link in the mail:\n${mail.text}`);
  return m[0];
};

async function meBalance(base, username, password) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) return { status: res.status };
  const { user } = await res.json();
  return { status: 200, quota: user.quota };
}

export function defineMailScenarios(r, env) {
  const { base, adminCreds, visitor, payer, operator, smtp, shotPath } = env;
  const who = { username: `visitor${Date.now().toString(36)}`, password: 'visitor-pass-123' };
  who.email = `${who.username}@example.test`;

  r.step('an operator opens self sign-up, with a bonus, on the settings page', operator, async ({ page }) => {
    await page.goto('/admin/settings?lang=en');
    await page.fill(
      'form[data-testid=signup-settings] textarea[name=signup]',
      JSON.stringify({ enabled: true, bonus: BONUS }),
    );
    await Promise.all([page.waitForNavigation(), page.click('form[data-testid=signup-settings] button[type=submit]')]);
    const admin = api(base, await login(base, adminCreds.username, adminCreds.password));
    const options = await admin.get('/api/options');
    assertEqual(
      JSON.stringify(options.signup),
      JSON.stringify({ enabled: true, bonus: BONUS }),
      'sign-up options saved',
    );
  });

  r.step(
    'a visitor signs up, confirms the address from the mailed link, and logs in with the bonus',
    visitor,
    async ({ page }) => {
      await page.goto('/login?lang=en');
      await Promise.all([page.waitForNavigation(), page.click('[data-testid=login-signup]')]);
      await page.fill('form[data-testid=signup-form] input[name=username]', who.username);
      await page.fill('form[data-testid=signup-form] input[name=email]', who.email);
      await page.fill('form[data-testid=signup-form] input[name=password]', who.password);
      await page.click('form[data-testid=signup-form] button[type=submit]');
      await page.locator('.toast.show').waitFor();
      assertEqual((await meBalance(base, who.username, who.password)).status, 403, 'login before confirming');
      const mail = await mailTo(smtp.controlUrl, who.email, 'Confirm');
      await page.goto(linkIn(mail, '/mail/verify'));
      await Promise.all([page.waitForNavigation(), page.click('[data-testid=verify-button]')]);
      await page.screenshot({ path: shotPath('signup-verified') });
      const me = await meBalance(base, who.username, who.password);
      assertEqual(me.status, 200, 'login after confirming');
      assertEqual(me.quota, BONUS, 'the sign-up bonus, once');
    },
  );

  r.step('the visitor forgets the password and sets a new one from the mailed link', visitor, async ({ page }) => {
    await page.goto('/login?lang=en');
    await Promise.all([page.waitForNavigation(), page.click('[data-testid=login-forgot]')]);
    await page.fill('form[data-testid=forgot-form] input[name=email]', who.email);
    await page.click('form[data-testid=forgot-form] button[type=submit]');
    await page.locator('.toast.show').waitFor();
    const mail = await mailTo(smtp.controlUrl, who.email, 'password');
    await page.goto(linkIn(mail, '/reset-password'));
    await page.fill('form[data-testid=reset-form] input[name=password]', 'a-brand-new-pass-1');
    await page.fill('form[data-testid=reset-form] input[name=confirm_password]', 'a-brand-new-pass-1');
    await page.click('form[data-testid=reset-form] button[type=submit]');
    await page.locator('.toast.show').waitFor();
    assertEqual((await meBalance(base, who.username, who.password)).status, 401, 'the old password');
    assertEqual((await meBalance(base, who.username, 'a-brand-new-pass-1')).status, 200, 'the new password');
  });

  r.step('a customer chooses what to be mailed about on the settings page', payer, async ({ page }) => {
    await page.goto('/notifications?lang=en&currency=USD');
    await page.fill('[data-testid=notify-form] input[name=email]', 'payer@example.test');
    await page.check('[data-testid=notify-form] input[name=new_ip]');
    await page.fill('[data-testid=notify-form] input[name=low_balance]', '2');
    // A new address needs the current password (the payer of the top-up scenario) and its link.
    await page.fill('[data-testid=notify-form] input[name=current_password]', 'payer-pass-123');
    await Promise.all([page.waitForNavigation(), page.click('[data-testid=notify-save]')]);
    await page.locator('[data-testid=notify-pending]', { hasText: 'payer@example.test' }).waitFor();
    const mail = await mailTo(smtp.controlUrl, 'payer@example.test', 'Confirm your new');
    await page.goto(linkIn(mail, '/mail/verify'));
    await Promise.all([page.waitForNavigation(), page.click('[data-testid=verify-button]')]);
    await page.goto('/notifications?lang=en&currency=USD');
    assertEqual(await page.locator('[data-testid=notify-pending]').count(), 0, 'nothing pending once confirmed');
    assertEqual(
      await page.inputValue('[data-testid=notify-form] input[name=email]'),
      'payer@example.test',
      'the address confirmed',
    );
    assertEqual(await page.inputValue('[data-testid=notify-form] input[name=low_balance]'), '2', 'the threshold kept');
    const settings = await page.evaluate(async () =>
      (await fetch('/api/notifications', { headers: { 'x-relay-csrf': '1' } })).json(),
    );
    assert(
      settings.email === 'payer@example.test' && settings.new_ip === true && settings.low_balance === 1_000_000,
      `settings: ${JSON.stringify(settings)}`,
    );
    await page.screenshot({ path: shotPath('notifications') });
  });
}
