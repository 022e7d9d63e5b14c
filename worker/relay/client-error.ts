import { scrub } from '../lib/scrub';
import type { Endpoint } from './pick';
import { geminiErrorBody } from './formats/gemini/errors';
import { type Obj, isObj } from '../lib/json';

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

interface UpstreamError {
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
}

/** The error of an upstream's answer, in OpenAI's, Anthropic's or Gemini's shape, or as plain text. */
function readError(body: string): UpstreamError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { message: body.slice(0, 1000) || 'the upstream refused the request', type: null, code: null, param: null };
  }
  const error = isObj(json) && isObj(json.error) ? json.error : isObj(json) ? json : {};
  const code = typeof error.code === 'number' ? null : str(error.code);
  return {
    message: str(error.message) ?? 'the upstream refused the request',
    type: str(error.type) ?? (typeof error.status === 'string' ? 'invalid_request_error' : null),
    code,
    param: str(error.param),
  };
}

/**
 * An upstream's refusal of the request itself (400, 422), handed back in the client's own format
 * whatever the channel speaks, with anything key-like masked.
 */
export function clientErrorResponse(endpoint: Endpoint, status: number, body: string, headers: Record<string, string>): Response {
  const e = readError(body);
  const message = scrub(e.message);
  if (endpoint === 'gemini') {
    return new Response(JSON.stringify(geminiErrorBody(status, message, e.code ?? 'invalid_request')), { status, headers: { 'content-type': 'application/json', ...headers } });
  }
  const payload =
    endpoint === 'messages'
      ? { type: 'error', error: { type: status === 400 || status === 422 ? 'invalid_request_error' : (e.type ?? 'api_error'), message } }
      : { error: { message, type: e.type ?? 'invalid_request_error', param: e.param, code: e.code } };
  return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json', ...headers } });
}
