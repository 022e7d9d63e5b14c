/**
 * Errors on the Gemini endpoints in Google's shape, `{error: {code, message, status, details}}`,
 * which Google's SDKs read; the relay's own code rides along as the ErrorInfo reason.
 */
import type { ApiError } from '../../../lib/errors';
import { sse } from '../../hub/sse';

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'RESOURCE_EXHAUSTED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  422: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
};

export const googleStatus = (status: number) =>
  GOOGLE_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');

export function geminiErrorBody(status: number, message: string, reason: string): Record<string, unknown> {
  return {
    error: {
      code: status,
      message,
      status: googleStatus(status),
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'relay' }],
    },
  };
}

export function geminiErrorResponse(err: ApiError): Response {
  return new Response(JSON.stringify(geminiErrorBody(err.status, err.message, err.code)), {
    status: err.status,
    headers: { 'content-type': 'application/json', ...err.headers },
  });
}

/** An error chunk as a Gemini client reads it (the SDKs raise it as an API error): 500 for an upstream's error, 502 for a stream that broke off. */
export const geminiStreamError = (message: string, code: 500 | 502 = 500) =>
  sse(JSON.stringify({ error: { code, message, status: code === 502 ? 'UNAVAILABLE' : 'INTERNAL' } }));
