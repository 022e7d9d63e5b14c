import { sse } from '../../hub/sse';

/** An error event as a Responses client reads it (`type: error`; the SDKs raise it). */
export const responsesStreamError = (message: string) =>
  sse(JSON.stringify({ type: 'error', code: 'upstream_error', message, param: null }), 'error');
