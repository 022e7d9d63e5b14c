/** Errors as OpenAI-format clients (chat, completions, embeddings) read them. */
import { sse } from '../../hub/sse';
import type { Obj } from '../../../lib/json';
import type { UpstreamError } from '../types';

/** An error event as an OpenAI-format client reads it (the SDKs raise it as an API error). */
export const openAiStreamError = (message: string) =>
  sse(JSON.stringify({ error: { message, type: 'upstream_error', code: 'upstream_error' } }));

/** An upstream's refusal as OpenAI's SDKs read it. */
export const openAiErrorBody = (_status: number, e: UpstreamError): Obj => ({
  error: { message: e.message, type: e.type ?? 'invalid_request_error', param: e.param, code: e.code },
});
