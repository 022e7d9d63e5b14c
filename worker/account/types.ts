/** A request log row as the contract names its fields (snake_case is what D1 and the API use). */
export interface LogRow {
  created_at: number;
  request_id: string;
  user_id: number;
  token_id: number | null;
  channel_id: number | null;
  model: string;
  endpoint: string;
  is_stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  usage_counted: boolean;
  quota: number;
  capped: boolean;
  model_ratio: number | null;
  completion_ratio: number | null;
  group_ratio: number | null;
  ip: string | null;
  status: number;
  error_code: string | null;
  latency_ms: number;
  attempts: number;
}

export type Revocation = 'deleted' | 'disabled' | 'expired';

export type ReserveResult = { ok: true } | { ok: false; reason: 'user_balance' | 'token_cap' | Revocation };

/** What the management API last said about a key: the last word on whether it may be used. */
export interface TokenTruth {
  status: 'enabled' | 'disabled' | 'expired' | 'deleted';
  keyHash: string | null;
  expiresAt: number | null;
}

export interface SettleInput {
  requestId: string;
  tokenId: number | null;
  charge: number;
  log: LogRow;
}

export interface SettleResult {
  charged: number;
  capped: boolean;
}

export interface Balance {
  quota: number;
  usedQuota: number;
}

export type LedgerReason = 'charge' | 'topup' | 'adjust' | 'refund';
