/**
 * The site's options (PUT /api/options): their schemas, defaults and how stored values are read.
 * A domain module: the API, payments, mail, maintenance and the dashboard all read options here.
 */
import { z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { dbOf } from '../db/client';
import { allOptions } from '../db/options';
import { GroupName } from '../api/fields';
import { DEFAULT_SECURITY, SecurityOptions } from '../security/admin-gate';
import { DEFAULT_PRICE_SYNC, PriceSyncOptions, priceSyncOf } from '../prices/options';

const Fraction = z.number().min(0).max(0.95);
const Money = z.number().positive().max(1e9);

const TopupOptions = z.object({
  /** The currency orders are priced in. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code'),
  /** How much of `currency` one US dollar of balance costs. */
  price_per_usd: Money,
  min_amount: Money,
  tiers: z.array(z.object({ min_amount: Money, discount: Fraction })).max(20),
  enterprise: z.object({
    group: GroupName,
    min_total_topup: Money,
    min_daily_spend: Money,
    window_days: z.number().int().min(1).max(365),
    discount: Fraction,
  }),
  /** Unpaid orders expire after this long (in the maintenance window). */
  order_expiry_minutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60),
});
export type TopupOptions = z.infer<typeof TopupOptions>;

/** Self sign-up (worker/api/signup.ts): off by default; `bonus` units are credited once on verification. */
const SignupOptions = z.object({
  enabled: z.boolean(),
  bonus: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

/** Referrals (worker/referrals): off by default; an invitee's paid top-up earns the inviter `topup_rebate` of its credit. */
const ReferralOptions = z.object({
  enabled: z.boolean(),
  topup_rebate: z.number().min(0).max(1),
  min_withdrawal: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type ReferralOptions = z.infer<typeof ReferralOptions>;

export const OptionsView = z
  .object({
    site_name: z.string(),
    /** Yuan per US dollar, for showing amounts in CNY. */
    usd_to_cny: z.number(),
    /** The currency shown to someone who has not picked one. */
    default_currency: z.enum(['USD', 'CNY']),
    topup: TopupOptions,
    signup: SignupOptions,
    security: SecurityOptions,
    /** Prices that follow the official ones (worker/prices/). */
    price_sync: PriceSyncOptions,
    referral: ReferralOptions,
  })
  .openapi('Options');

/** Operator settings kept in the D1 `options` table, one JSON value per key. */
export type SiteOptions = z.infer<typeof OptionsView>;

export const DEFAULT_OPTIONS: SiteOptions = {
  site_name: 'LLM Relay',
  usd_to_cny: 7.2,
  default_currency: 'USD',
  topup: {
    currency: 'CNY',
    price_per_usd: 7.3,
    min_amount: 10,
    tiers: [
      { min_amount: 500, discount: 0.03 },
      { min_amount: 1000, discount: 0.05 },
    ],
    enterprise: { group: 'enterprise', min_total_topup: 3000, min_daily_spend: 100, window_days: 30, discount: 0.08 },
    order_expiry_minutes: 120,
  },
  signup: { enabled: false, bonus: 0 },
  security: DEFAULT_SECURITY,
  price_sync: DEFAULT_PRICE_SYNC,
  referral: { enabled: false, topup_rebate: 0.05, min_withdrawal: 5_000_000 },
};

const TopupChange = TopupOptions.extend({ enterprise: TopupOptions.shape.enterprise.partial().strict() })
  .partial()
  .strict();
type TopupChange = z.infer<typeof TopupChange>;

/** A change: any top-level field; `topup` and its `enterprise` merge field by field. */
export const OptionsInput = z
  .object({
    site_name: z.string().trim().min(1).max(64),
    usd_to_cny: z.number().positive().max(1000),
    default_currency: z.enum(['USD', 'CNY']),
    topup: TopupChange,
    signup: SignupOptions.partial().strict(),
    security: SecurityOptions.partial().strict(),
    price_sync: PriceSyncOptions.partial().strict(),
    referral: ReferralOptions.partial().strict(),
  })
  .partial()
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message:
      'give at least one of site_name, usd_to_cny, default_currency, topup, signup, security, price_sync, referral',
  });

/** A stored value if it has the schema's shape, else the default. */
function storedOr<T>(schema: z.ZodType<T>, value: unknown, fallback: T): T {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

/** A partial top-up setting over a whole one (enterprise merged field by field). */
export function mergeTopup(base: TopupOptions, change: TopupChange): TopupOptions {
  const merged = { ...base, ...change, enterprise: { ...base.enterprise, ...change.enterprise } };
  return { ...merged, tiers: [...merged.tiers].sort((a, b) => a.min_amount - b.min_amount) };
}

/** The operator's settings merged over the defaults; a stored value of the wrong shape is ignored. */
export async function loadOptions(env: Env): Promise<SiteOptions> {
  const raw = await allOptions(dbOf(env.DB));
  const d = DEFAULT_OPTIONS;
  return {
    site_name: storedOr(OptionsView.shape.site_name, raw.site_name, d.site_name),
    usd_to_cny: storedOr(OptionsView.shape.usd_to_cny, raw.usd_to_cny, d.usd_to_cny),
    default_currency: storedOr(OptionsView.shape.default_currency, raw.default_currency, d.default_currency),
    topup: mergeTopup(d.topup, storedOr(TopupChange, raw.topup, {})),
    signup: { ...d.signup, ...storedOr(SignupOptions.partial(), raw.signup, {}) },
    security: { ...d.security, ...storedOr(SecurityOptions.partial(), raw.security, {}) },
    price_sync: priceSyncOf(raw.price_sync),
    referral: { ...d.referral, ...storedOr(ReferralOptions.partial(), raw.referral, {}) },
  };
}
