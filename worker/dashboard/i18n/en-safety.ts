/** English strings of two-factor sign-in, the audit page and the human check (worker/security). */
export const enSafety = {
  'nav.audit': 'Audit',
  'audit.title': 'Audit log',
  'audit.subtitle': 'Every change an operator made, newest first. Keys, codes and passwords are never recorded.',
  'audit.actor': 'By',
  'audit.action': 'Action',
  'audit.target': 'Target',
  'audit.summary': 'What changed',
  'audit.ip': 'IP',
  'audit.none': 'No operator changes yet.',
  'audit.all': 'All actions',
  'forbidden.totp': 'The operator requires two-factor sign-in for administrators. Turn it on in your account first.',
  'forbidden.toAccount': 'Go to your account',
  'totp.title': 'Two-factor sign-in',
  'totp.off': 'Off: signing in needs only your password.',
  'totp.on': 'On: signing in also asks for the code from your authenticator app.',
  'totp.setup': 'Set up',
  'totp.scan':
    'Scan this QR code with an authenticator app (or type the secret in), then enter the 6-digit code it shows.',
  'totp.secret': 'Secret',
  'totp.code': '6-digit code',
  'totp.enable': 'Turn on',
  'totp.disable': 'Turn off',
  'totp.enabled': 'Two-factor sign-in is on.',
  'totp.disabled': 'Two-factor sign-in is off.',
  'login.totp': 'Two-factor code',
  'login.totpHint': 'Only if you turned two-factor sign-in on',
  'login.totpNeeded': 'Enter the 6-digit code from your authenticator app.',
  'login.captcha': 'Complete the human check, then try again.',
} as const;

export type SafetyKey = keyof typeof enSafety;
