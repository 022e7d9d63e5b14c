/** Errors as Anthropic-format clients read them. */
import { sse } from '../../hub/sse';
import type { Obj } from '../../../lib/json';
import type { UpstreamError } from '../types';

/** An error event as an Anthropic-format client reads it. */
export const anthropicStreamError = (message: string) =>
  sse(JSON.stringify({ type: 'error', error: { type: 'api_error', message } }), 'error');

/** An upstream's refusal as Anthropic's SDKs read it: a 400 or 422 is always about the request. */
export const anthropicErrorBody = (status: number, e: UpstreamError): Obj => ({
  type: 'error',
  error: {
    type: status === 400 || status === 422 ? 'invalid_request_error' : (e.type ?? 'api_error'),
    message: e.message,
  },
});
