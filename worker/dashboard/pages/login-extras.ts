/** The login form's second factor and Turnstile token, passed on to the API, and its refusals mapped to the form's messages. */
import { TURNSTILE_FIELD } from '../../security/turnstile';

type Form = Record<string, string | File | (string | File)[]>;

export function loginExtras(form: Form): { totp?: string; turnstile_token?: string } {
  const totp = typeof form.totp === 'string' ? form.totp.trim() : '';
  const token = form[TURNSTILE_FIELD];
  return { ...(totp ? { totp } : {}), ...(typeof token === 'string' && token ? { turnstile_token: token } : {}) };
}

/** 'totp' or 'captcha' for the API's refusals of those, else null. */
export async function loginRefusal(res: Response): Promise<'totp' | 'captcha' | null> {
  if (res.status !== 401 && res.status !== 403) return null;
  const text = await res.clone().text();
  if (text.includes('"captcha_failed"')) return 'captcha';
  if (text.includes('"totp_required"') || text.includes('totp:')) return 'totp';
  return null;
}
