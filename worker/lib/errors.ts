import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_api_key'
  | 'insufficient_quota'
  | 'token_disabled'
  | 'token_expired'
  | 'ip_not_allowed'
  | 'model_not_allowed'
  | 'model_price_unset'
  | 'model_not_found'
  | 'request_too_large'
  | 'rate_limit_exceeded'
  | 'upstream_error'
  | 'no_available_channel'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_attempts'
  | 'payment_method_unavailable'
  | 'invalid_code'
  | 'code_used'
  | 'signup_closed'
  | 'email_unverified'
  | 'totp_required'
  | 'captcha_failed'
  | 'plan_window_exhausted'
  | 'plan_required'
  | 'referral_closed'
  | 'internal_error';

const typeOf: Partial<Record<ErrorCode, string>> = {
  invalid_api_key: 'authentication_error',
  unauthorized: 'authentication_error',
  insufficient_quota: 'insufficient_quota',
  rate_limit_exceeded: 'rate_limit_error',
  too_many_attempts: 'rate_limit_error',
  upstream_error: 'upstream_error',
  no_available_channel: 'upstream_error',
  internal_error: 'server_error',
  token_disabled: 'permission_error',
  token_expired: 'permission_error',
  ip_not_allowed: 'permission_error',
  model_not_allowed: 'permission_error',
  model_price_unset: 'permission_error',
  forbidden: 'permission_error',
  totp_required: 'authentication_error',
  captcha_failed: 'permission_error',
  plan_window_exhausted: 'rate_limit_error',
  plan_required: 'permission_error',
};

/** An error with a contract code; thrown anywhere, rendered once by the app's error handler. */
export class ApiError extends Error {
  /** Set where the relay has already written this failure's log row. */
  logged = false;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get type(): string {
    return typeOf[this.code] ?? 'invalid_request_error';
  }

  body(): { error: { message: string; type: string; code: string } } {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(this.body()), {
      status: this.status,
      headers: { 'content-type': 'application/json', ...this.headers, ...extraHeaders },
    });
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'forbidden') => new ApiError(403, 'forbidden', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
