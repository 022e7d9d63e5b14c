/**
 * The mailbox an address reaches, for uniqueness and the sign-up bonus: lower case, without a
 * `+tag`, and without dots for gmail.com / googlemail.com (one Gmail box under every spelling).
 * d1-migrations/0008 computes the same for the addresses already stored.
 */
const GMAIL = new Set(['gmail.com', 'googlemail.com']);

export function mailboxOf(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.indexOf('@');
  if (at < 0) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}
