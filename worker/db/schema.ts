import { sqliteTable, integer, text, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import type { PriceTier } from '../billing/charge';
import type { KeyAside } from '../relay/keys';

/** Times are stored as milliseconds since the epoch (UTC). Money is integer quota units. */

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /** Sessions issued before this (seconds of the JWT's iat) are refused. */
  passwordChangedAt: integer('password_changed_at'),
  role: text('role', { enum: ['admin', 'user'] })
    .notNull()
    .default('user'),
  group: text('group').notNull().default('default'),
  // Mirror of the account Durable Object's balance; the object is the only writer.
  quota: integer('quota').notNull().default(0),
  usedQuota: integer('used_quota').notNull().default(0),
  status: text('status', { enum: ['enabled', 'disabled'] })
    .notNull()
    .default('enabled'),
  /** The confirmed address, where notices and resets go; `email_norm` is its mailbox, unique. */
  email: text('email').unique(),
  emailVerifiedAt: integer('email_verified_at'),
  emailNorm: text('email_norm').unique('users_email_norm_unique'),
  /** An address waiting for its link to be opened (expires after 24 h); it reserves nothing. */
  pendingEmail: text('pending_email'),
  pendingEmailAt: integer('pending_email_at'),
  /** Signed up and not yet confirmed: logging in is refused until the link is opened. */
  signupUnverified: integer('signup_unverified', { mode: 'boolean' }).notNull().default(false),
  /** Every session carries it; a password change or reset raises it, ending older sessions. */
  sessionVersion: integer('session_version').notNull().default(0),
  /** Referrals (worker/referrals): the user's own code, who invited them, and whether that invite earns nothing (self-referral). */
  inviteCode: text('invite_code').unique('users_invite_code'),
  invitedBy: integer('invited_by'),
  inviteVoid: integer('invite_void', { mode: 'boolean' }).notNull().default(false),
  signupIp: text('signup_ip'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** One sign-up bonus per normalised mailbox, whoever holds the address later. */
export const signupBonuses = sqliteTable('signup_bonuses', {
  mailbox: text('mailbox').primaryKey(),
  userId: integer('user_id').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const tokens = sqliteTable(
  'tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    keyPrefix: text('key_prefix').notNull(),
    keySuffix: text('key_suffix').notNull(),
    status: text('status', { enum: ['enabled', 'disabled', 'expired'] })
      .notNull()
      .default('enabled'),
    remainQuota: integer('remain_quota'),
    usedQuota: integer('used_quota').notNull().default(0),
    expiresAt: integer('expires_at'),
    models: text('models', { mode: 'json' }).$type<string[] | null>(),
    allowIps: text('allow_ips', { mode: 'json' }).$type<string[] | null>(),
    rpmLimit: integer('rpm_limit'),
    tpmLimit: integer('tpm_limit'),
    maxConcurrency: integer('max_concurrency'),
    group: text('group'),
    /** Who disabled the key: a customer may re-enable only a key they disabled themselves. */
    disabledBy: text('disabled_by', { enum: ['user', 'admin'] }),
    /** Served only from a plan's windows: a full window answers 429 rather than charging the balance. */
    planOnly: integer('plan_only', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('tokens_key_hash').on(t.keyHash), index('tokens_user').on(t.userId)],
);

export const channels = sqliteTable('channels', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  type: text('type').notNull(),
  baseUrl: text('base_url').notNull(),
  // AES-256-GCM sealed JSON array of upstream keys; never stored in clear.
  keysSealed: text('keys_sealed').notNull(),
  keyCount: integer('key_count').notNull(),
  models: text('models', { mode: 'json' }).$type<string[]>().notNull(),
  modelMapping: text('model_mapping', { mode: 'json' }).$type<Record<string, string> | null>(),
  groups: text('groups', { mode: 'json' }).$type<string[]>().notNull(),
  priority: integer('priority').notNull().default(0),
  weight: integer('weight').notNull().default(1),
  status: text('status', { enum: ['enabled', 'disabled', 'auto_disabled'] })
    .notNull()
    .default('enabled'),
  statusReason: text('status_reason'),
  healthState: text('health_state', { enum: ['closed', 'open', 'half_open'] })
    .notNull()
    .default('closed'),
  openedAt: integer('opened_at'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  lastError: text('last_error'),
  latencyMs: integer('latency_ms'),
  /** Keys set aside by the health object (refused as invalid, revoked or out of credit); null or [] when none. */
  keyStates: text('key_states', { mode: 'json' }).$type<KeyAside[] | null>(),
  /** An OpenAI-type channel whose upstream has no /v1/responses: Responses calls reach it converted to chat. */
  servesResponses: integer('serves_responses', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const modelPrices = sqliteTable('model_prices', {
  model: text('model').primaryKey(),
  modelRatio: real('model_ratio'),
  completionRatio: real('completion_ratio'),
  cacheRatio: real('cache_ratio'),
  /** Prompt tokens written to the provider's 5-minute cache (and 1-hour cache) cost this many prompt tokens. */
  cacheWriteRatio: real('cache_write_ratio'),
  cacheWrite1hRatio: real('cache_write_1h_ratio'),
  /** Long-context rates: the highest tier whose `above_prompt_tokens` the prompt exceeds applies to the whole request. */
  tiers: text('tiers', { mode: 'json' }).$type<PriceTier[]>(),
  /** Priced by hand: the price sync never touches it. */
  pinned: integer('pinned', { mode: 'boolean' }).notNull().default(false),
  pricePerCall: real('price_per_call'),
  /** The operator's completion limit for the model; else the shipped table's, else the default reserve. */
  maxOutputTokens: integer('max_output_tokens'),
  updatedAt: integer('updated_at').notNull(),
});

export const groups = sqliteTable('groups', {
  name: text('name').primaryKey(),
  ratio: real('ratio').notNull().default(1),
  rpmLimit: integer('rpm_limit'),
  tpmLimit: integer('tpm_limit'),
  updatedAt: integer('updated_at').notNull(),
});

export const pricingHistory = sqliteTable('pricing_history', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  changedAt: integer('changed_at').notNull(),
  changedBy: integer('changed_by'),
  change: text('change', { mode: 'json' }).notNull(),
  /** Who made the change: an admin (`PUT /api/pricing`) or the price sync. */
  source: text('source', { enum: ['admin', 'sync'] })
    .notNull()
    .default('admin'),
});

export const LEDGER_REASONS = ['initial', 'charge', 'topup', 'redeem', 'adjust', 'refund', 'rebate', 'plan'] as const;

export const ledger = sqliteTable(
  'ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Fixed when the account object queues the row: a flush that runs twice writes it once. */
    uid: text('uid'),
    userId: integer('user_id').notNull(),
    tokenId: integer('token_id'),
    delta: integer('delta').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    reason: text('reason', { enum: LEDGER_REASONS }).notNull(),
    note: text('note'),
    requestId: text('request_id'),
    orderNo: text('order_no'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('ledger_user').on(t.userId, t.id), uniqueIndex('ledger_uid').on(t.uid)],
);

export const logs = sqliteTable(
  'logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    createdAt: integer('created_at').notNull(),
    requestId: text('request_id').notNull(),
    userId: integer('user_id').notNull(),
    tokenId: integer('token_id'),
    channelId: integer('channel_id'),
    model: text('model').notNull(),
    endpoint: text('endpoint').notNull(),
    isStream: integer('is_stream', { mode: 'boolean' }).notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    usageCounted: integer('usage_counted', { mode: 'boolean' }).notNull().default(false),
    quota: integer('quota').notNull().default(0),
    capped: integer('capped', { mode: 'boolean' }).notNull().default(false),
    modelRatio: real('model_ratio'),
    completionRatio: real('completion_ratio'),
    groupRatio: real('group_ratio'),
    ip: text('ip'),
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    latencyMs: integer('latency_ms').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    /** The call's session key, hashed and scoped by its API key (never the raw value); null without one. */
    sessionHash: text('session_hash'),
    /** The provider reported cached prompt tokens read. */
    cacheRead: integer('cache_read', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('logs_request').on(t.requestId),
    index('logs_channel').on(t.channelId, t.createdAt),
    index('logs_created').on(t.createdAt),
    index('logs_user').on(t.userId, t.createdAt),
    index('logs_token').on(t.tokenId, t.createdAt),
  ],
);

/**
 * Every IP each key has been used from, with the request that first came from it: the request
 * log marks that request, so a leaked key stands out. Kept when retention folds old rows away.
 */
export const tokenIps = sqliteTable(
  'token_ips',
  {
    tokenId: integer('token_id').notNull(),
    ip: text('ip').notNull(),
    firstRequestId: text('first_request_id').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.ip] })],
);

/** Daily totals that retention folds raw log rows into. */
export const usageDaily = sqliteTable(
  'usage_daily',
  {
    day: text('day').notNull(),
    userId: integer('user_id').notNull(),
    tokenId: integer('token_id').notNull(),
    model: text('model').notNull(),
    channelId: integer('channel_id').notNull(),
    requests: integer('requests').notNull().default(0),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    quota: integer('quota').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId, t.tokenId, t.model, t.channelId] })],
);

export const maintenanceRuns = sqliteTable('maintenance_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  job: text('job').notNull(),
  trigger: text('trigger').notNull(),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
  rows: integer('rows').notNull().default(0),
  outcome: text('outcome', { enum: ['running', 'ok', 'partial', 'error'] }).notNull(),
  error: text('error'),
  details: text('details', { mode: 'json' }),
});

/** Operator-visible events: circuit changes, auto-disables, reconciliation mismatches. */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    createdAt: integer('created_at').notNull(),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    details: text('details', { mode: 'json' }),
  },
  (t) => [index('events_created').on(t.createdAt)],
);

/** Login attempts per key (a username, an IP, or a username from one IP) in the current window. */
export const loginFailures = sqliteTable('login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  firstAt: integer('first_at').notNull(),
  lockedUntil: integer('locked_until'),
});

/** IPs a user has logged in from: a lock on their username does not reach them there. */
export const loginIps = sqliteTable(
  'login_ips',
  {
    userId: integer('user_id').notNull(),
    ip: text('ip').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.ip] })],
);

/** Sessions ended before their expiry (logout); kept until the JWT would have expired anyway. */
export const revokedSessions = sqliteTable('revoked_sessions', {
  sid: text('sid').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
});

export const options = sqliteTable('options', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Top-up orders. Amounts are decimal strings in the order's currency (exact, at most two places);
 * `credit` is the units the order buys. An order is credited once, by its number, through the
 * user's account object; `completed_by` says whether the gateway's notice or an operator did it.
 */
export const orders = sqliteTable(
  'orders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderNo: text('order_no').notNull(),
    userId: integer('user_id').notNull(),
    amount: text('amount').notNull(),
    payAmount: text('pay_amount').notNull(),
    currency: text('currency').notNull(),
    /** The discount applied, as a decimal fraction ("0.05"). */
    discount: text('discount').notNull(),
    credit: integer('credit').notNull(),
    method: text('method', { enum: ['stripe', 'epay'] }).notNull(),
    payType: text('pay_type'),
    status: text('status', { enum: ['pending', 'paid', 'expired', 'failed'] }).notNull(),
    payUrl: text('pay_url'),
    providerRef: text('provider_ref'),
    completedBy: text('completed_by', { enum: ['provider', 'manual'] }),
    /** The operator who completed it by hand, and why. */
    completedByUser: integer('completed_by_user'),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
    paidAt: integer('paid_at'),
    updatedAt: integer('updated_at').notNull(),
    /** Stripe: the Checkout Session made for the order (only its completion credits it) and the PaymentIntent that paid it. */
    stripeSessionId: text('stripe_session_id'),
    stripePaymentIntent: text('stripe_payment_intent'),
    /** A `plan` order starts a subscription when paid instead of crediting the balance. */
    kind: text('kind', { enum: ['topup', 'plan'] })
      .notNull()
      .default('topup'),
    planId: integer('plan_id'),
  },
  (t) => [
    uniqueIndex('orders_no').on(t.orderNo),
    index('orders_user').on(t.userId, t.id),
    index('orders_status').on(t.status, t.createdAt),
    index('orders_payment_intent').on(t.stripePaymentIntent),
  ],
);

/** Redemption codes: stored as SHA-256, shown once when made; a code credits once. */
export const redemptionCodes = sqliteTable(
  'redemption_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    codeHash: text('code_hash').notNull(),
    /** The first characters, to tell codes apart in lists. */
    codePrefix: text('code_prefix').notNull(),
    name: text('name'),
    quota: integer('quota').notNull(),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    usedBy: integer('used_by'),
    usedAt: integer('used_at'),
  },
  (t) => [uniqueIndex('redemption_codes_hash').on(t.codeHash)],
);

/**
 * What `npm run import` brought in from a one-api / new-api site: each source row's id and the
 * relay row it became (null for rows keyed by name, like prices), so a second run skips it.
 */
export const importMap = sqliteTable(
  'import_map',
  {
    source: text('source').notNull(),
    kind: text('kind').notNull(),
    sourceId: text('source_id').notNull(),
    targetId: integer('target_id'),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.kind, t.sourceId] })],
);

/** What each customer wants mailed (worker/mail); no row: the defaults. */
export const notifySettings = sqliteTable('notify_settings', {
  userId: integer('user_id').primaryKey(),
  priceChanges: integer('price_changes', { mode: 'boolean' }).notNull().default(false),
  /** null: every model. */
  priceModels: text('price_models', { mode: 'json' }).$type<string[] | null>(),
  newIp: integer('new_ip', { mode: 'boolean' }).notNull().default(true),
  /** Units; null: no low-balance notice. */
  lowBalance: integer('low_balance'),
  lang: text('lang', { enum: ['en', 'zh'] })
    .notNull()
    .default('en'),
  currency: text('currency', { enum: ['USD', 'CNY'] })
    .notNull()
    .default('USD'),
  updatedAt: integer('updated_at').notNull(),
});

export const NOTICE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'not_sent', 'dead'] as const;

/** Every notice the queue carried: one row per idempotency key, so a retried batch sends nothing twice. */
export const notices = sqliteTable(
  'notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    userId: integer('user_id'),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    /** The one-click unsubscribe URL (List-Unsubscribe), if the mail has one. */
    unsubscribe: text('unsubscribe'),
    /** The queue message that made it, sent again by a re-send. */
    payload: text('payload', { mode: 'json' }).notNull(),
    status: text('status', { enum: NOTICE_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** A claim by one consumer: another may take it over after this time. */
    leaseUntil: integer('lease_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [uniqueIndex('notices_key').on(t.key), index('notices_status').on(t.status, t.id)],
);

/** Each model's effective price before and after a `PUT /api/pricing` that changed it, in USD. */
export const priceChanges = sqliteTable(
  'price_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** One id per PUT: the mails for it are keyed by it. */
    batch: text('batch').notNull(),
    model: text('model').notNull(),
    before: text('before', { mode: 'json' }).$type<ModelUsdPrice | null>(),
    after: text('after', { mode: 'json' }).$type<ModelUsdPrice | null>(),
    changedAt: integer('changed_at').notNull(),
  },
  (t) => [index('price_changes_batch').on(t.batch), index('price_changes_at').on(t.changedAt)],
);

/** A model's price in US dollars: per million input and output tokens, or per call. */
export interface ModelUsdPrice {
  input: number | null;
  output: number | null;
  perCall: number | null;
}

/** A user's TOTP secret (AES-GCM sealed): pending until `enabled_at`; `last_step` refuses a code used before. */
export const userTotp = sqliteTable('user_totp', {
  userId: integer('user_id').primaryKey(),
  secretSealed: text('secret_sealed').notNull(),
  enabledAt: integer('enabled_at'),
  lastStep: integer('last_step'),
  createdAt: integer('created_at').notNull(),
});

/** Every change an admin made: who, what, on which record, from where; never a secret. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorId: integer('actor_id').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    summary: text('summary').notNull(),
    ip: text('ip'),
  },
  (t) => [index('audit_log_actor').on(t.actorId, t.id), index('audit_log_action').on(t.action, t.id)],
);

export * from './schema-growth';
