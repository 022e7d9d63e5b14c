import { scrub } from '../lib/scrub';
import { formatOf, type Endpoint, type UpstreamError } from './formats';
import { type Obj, isObj } from '../lib/json';

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

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
export function clientErrorResponse(
  endpoint: Endpoint,
  status: number,
  body: string,
  headers: Record<string, string>,
): Response {
  const e = readError(body);
  const payload = formatOf(endpoint).errorBody(status, { ...e, message: scrub(e.message) });
  return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json', ...headers } });
}
