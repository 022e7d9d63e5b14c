/**
 * Self sign-up and password reset by mail. Sign-up is off unless the operator turns it on
 * (options `signup`); the address is confirmed by a signed link, which credits the operator's
 * bonus once through the account object. A reset link works once, within an hour.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountOf } from '../account/client';
import { dbOf, type Db } from '../db/client';
import { countAttempts } from '../db/logins';
import {
  confirmEmail,
  emailTaken,
  hasUnverifiedEmail,
  signupBonusIsTheirs,
  userByVerifiedEmail,
} from '../db/addresses';
import { mailTarget } from '../db/notify';
import { createSignupUser } from '../db/signup';
import { updateUser } from '../db/users';
import { hashPassword } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import { requestLinkBase } from '../mail/base';
import { verifyLink } from '../mail/sign';
import { syncNotify } from '../mail/sync';
import { loadOptions } from '../site/options';
import { Email } from './notifications';
import { ErrorSchema, errors, json, jsonBody, router } from './openapi';
import { Password, Username } from './fields';
import { Captcha, requireCaptcha } from '../security/turnstile';
import { signupInvite } from '../referrals/rebate';

/** Sign-ups and reset requests one IP may make in an hour. */
const PER_IP_PER_HOUR = 10;

const Registered = z
  .object({ id: z.number().int(), username: z.string(), email: z.string(), verification_sent: z.boolean() })
  .openapi('Registered');
const Accepted = z.object({ ok: z.literal(true) }).openapi('Accepted');

/** Throttles by IP like login does: past the limit, 429 until the window ends. */
async function throttle(c: Context<AppEnv>, what: string): Promise<void> {
  const ip = c.req.header('cf-connecting-ip') ?? 'unknown';
  const now = Date.now();
  const [count] = await countAttempts(dbOf(c.env.DB), [`${what}-ip:${ip}`], now, 3600_000);
  if (count && count.attempts > PER_IP_PER_HOUR) {
    const retry = Math.max(1, Math.ceil((count.firstAt + 3600_000 - now) / 1000));
    throw new ApiError(429, 'too_many_attempts', 'too many attempts from this address; try again later', {
      'retry-after': String(retry),
    });
  }
}

/** For the login path: a user who signed up with an address must confirm it first (403 `email_unverified`). */
export async function requireVerifiedEmail(db: Db, userId: number): Promise<void> {
  if (await hasUnverifiedEmail(db, userId))
    throw new ApiError(403, 'email_unverified', 'confirm your email address first: open the link mailed to you');
}

export type VerifyOutcome = { ok: true; username: string } | { ok: false };

/**
 * Opening a confirmation link (sign-up or a change of address): the pending address becomes the
 * user's, and a sign-up earns the bonus, once per mailbox however the address is spelt.
 */
export async function verifySignup(c: Context<AppEnv>, token: string): Promise<VerifyOutcome> {
  const link = await verifyLink(c.env, token, 'verify');
  if (!link) return { ok: false };
  const db = dbOf(c.env.DB);
  const now = Date.now();
  const signingUp = await hasUnverifiedEmail(db, link.u);
  const outcome = await confirmEmail(db, link.u, link.e, now);
  if (outcome === 'mismatch' || outcome === 'taken') return { ok: false };
  const bonus = (await loadOptions(c.env)).signup.bonus;
  // Keyed by the user as well: a second opening, or a retry after a crash, credits nothing more.
  if (bonus > 0 && (await signupBonusIsTheirs(db, link.e, link.u, outcome === 'confirmed' && signingUp, now))) {
    await accountOf(c.env, link.u).credit({
      delta: bonus,
      reason: 'initial',
      note: 'sign-up bonus',
      idempotencyKey: `signup-bonus:${link.u}`,
      by: 'signup',
    });
  }
  await syncNotify(c.env, link.u, requestLinkBase(c));
  const target = await mailTarget(db, link.u);
  return target ? { ok: true, username: target.username } : { ok: false };
}

/** Setting a new password from a reset link: every session of the account ends. */
export async function resetPassword(c: Context<AppEnv>, token: string, password: string): Promise<boolean> {
  const link = await verifyLink(c.env, token, 'reset');
  if (!link) return false;
  const db = dbOf(c.env.DB);
  const target = await mailTarget(db, link.u);
  // The link names the password it replaces: once used (or after any change), it is spent.
  if (!target || !target.verified || (target.passwordChangedAt ?? 0) !== link.v) return false;
  await updateUser(db, link.u, { passwordHash: await hashPassword(password) }, Date.now());
  return true;
}

export const signupRoutes = router()
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/register',
      tags: ['auth'],
      summary: 'Sign up (when the operator allows it); a confirmation link is mailed',
      request: jsonBody(
        z
          .object({
            username: Username,
            password: Password,
            email: Email,
            invite_code: z.string().trim().max(32).optional(),
            ...Captcha,
          })
          .strict()
          .openapi('Register'),
      ),
      responses: {
        201: json(Registered),
        409: json(ErrorSchema, 'The username or email is taken'),
        429: json(ErrorSchema, 'Too many sign-ups from this IP'),
        ...errors,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const options = await loadOptions(c.env);
      if (!options.signup.enabled) throw new ApiError(403, 'signup_closed', 'sign-up is closed on this site');
      await throttle(c, 'signup');
      await requireCaptcha(c, body.turnstile_token);
      const db = dbOf(c.env.DB);
      // Only a confirmed address is taken; one waiting for its link (anyone's) reserves nothing.
      if (await emailTaken(db, body.email, null))
        throw new ApiError(409, 'conflict', 'email: another account uses this address');
      const ip = c.req.header('cf-connecting-ip') ?? null;
      const invite = await signupInvite(db, body.invite_code, body.email, ip, options.referral);
      const made = await createSignupUser(
        db,
        { username: body.username, passwordHash: await hashPassword(body.password), email: body.email, ip, invite },
        Date.now(),
      );
      if (!made.ok) throw new ApiError(409, 'conflict', 'username: taken');
      const queue = c.env.MAIL_QUEUE;
      await queue?.send({
        type: 'verify',
        key: `verify:${made.id}`,
        userId: made.id,
        email: body.email,
        base: requestLinkBase(c),
      });
      return c.json({ id: made.id, username: body.username, email: body.email, verification_sent: !!queue }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/password-reset',
      tags: ['auth'],
      summary: 'Mail a one-hour, one-use reset link to a confirmed address; answers the same for any address',
      request: jsonBody(z.object({ email: Email, ...Captcha }).strict()),
      responses: { 202: json(Accepted), 429: json(ErrorSchema, 'Too many requests from this IP'), ...errors },
    }),
    async (c) => {
      const { email, turnstile_token } = c.req.valid('json');
      await throttle(c, 'reset');
      await requireCaptcha(c, turnstile_token);
      const userId = await userByVerifiedEmail(dbOf(c.env.DB), email);
      if (userId !== null)
        await c.env.MAIL_QUEUE?.send({
          type: 'reset',
          key: `reset:${userId}:${Date.now()}`,
          userId,
          base: requestLinkBase(c),
        });
      return c.json({ ok: true as const }, 202);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/password-reset/confirm',
      tags: ['auth'],
      summary: "Set a new password with a reset link's token; every session of the account ends",
      request: jsonBody(z.object({ token: z.string().min(1).max(2000), password: Password }).strict()),
      responses: { 200: json(Accepted), ...errors },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      if (!(await resetPassword(c, token, password)))
        throw new ApiError(400, 'invalid_request', 'token: the link is not valid, has expired, or was used');
      return c.json({ ok: true as const }, 200);
    },
  );
