/**
 * Who earns what from an invitee: the invite is judged once, at sign-up (a shared mailbox, as
 * sign-up compares addresses, or the inviter's own sign-up IP makes it void: it earns nothing),
 * and each paid top-up order earns `floor(credit * topup_rebate)` units, decided by the invitee's
 * account object in the step that credits the order (worker/account/rebates.ts).
 */
import type { Env } from '../env';
import type { ReferralOptions } from '../site/options';
import { dec, mul } from '../billing/decimal';
import { dbOf, type Db } from '../db/client';
import { mailboxOf } from '../db/mailbox';
import type { OrderRow } from '../db/orders';
import { inviterByCode, inviterOf } from '../db/referrals';
import type { SignupInvite } from '../db/signup';

/** The invite a sign-up carries; an unknown code, or referrals turned off, is no invite at all. */
export async function signupInvite(
  db: Db,
  code: string | undefined,
  email: string,
  ip: string | null,
  opts: ReferralOptions,
): Promise<SignupInvite | null> {
  if (!code || !opts.enabled) return null;
  const inviter = await inviterByCode(db, code);
  if (!inviter) return null;
  const mailbox = mailboxOf(email);
  const sharedMailbox =
    inviter.emailNorm === mailbox || (inviter.pendingEmail !== null && mailboxOf(inviter.pendingEmail) === mailbox);
  const sharedIp = ip !== null && inviter.signupIp === ip;
  return { invitedBy: inviter.id, void: sharedMailbox || sharedIp };
}

/** floor(credit * rate), exactly (0.29 * 100 is 29, not 28.999...). */
export function rebateUnits(credit: number, rate: number): number {
  const product = mul(dec(credit), dec(rate));
  return Number(product.units / 10n ** BigInt(product.scale));
}

/** The inviter's rebate for a paid top-up order, or undefined when it earns none. */
export async function orderRebate(
  env: Env,
  order: OrderRow,
  opts: ReferralOptions,
): Promise<{ inviterId: number; units: number } | undefined> {
  if (!opts.enabled || order.kind !== 'topup') return undefined;
  const invite = await inviterOf(dbOf(env.DB), order.userId);
  if (!invite || invite.invitedBy === null || invite.inviteVoid) return undefined;
  const units = rebateUnits(order.credit, opts.topup_rebate);
  return units > 0 ? { inviterId: invite.invitedBy, units } : undefined;
}
