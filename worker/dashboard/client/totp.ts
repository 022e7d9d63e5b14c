/**
 * Two-factor set-up on the account page: the set-up form's answer (`data-then="totpsetup"`)
 * is shown as a QR code (drawn as SVG by `uqr`) and the secret, then the code form appears.
 */
import { renderSVG } from 'uqr';
import { handlers } from './forms';

function showSetup(result: unknown): void {
  const box = document.getElementById('totp-setup');
  if (!box || typeof result !== 'object' || result === null) return;
  const { secret, otpauth_url: url } = result as { secret?: unknown; otpauth_url?: unknown };
  if (typeof secret !== 'string' || typeof url !== 'string') return;
  const qr = box.querySelector('[data-totp-qr]');
  // The SVG is made of the library's own markup: the URL is encoded into its modules, never inserted as text.
  if (qr) qr.innerHTML = renderSVG(url, { border: 2 });
  const shown = box.querySelector('[data-totp-secret]');
  if (shown) shown.textContent = secret;
  box.hidden = false;
  box.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
}

export function wireTotp(): void {
  handlers.totpsetup = showSetup;
}
