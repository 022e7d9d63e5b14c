/**
 * Google's Gemini format: the model and streaming are named in the path (`/v1beta/models/{model}:
 * generateContent` or `:streamGenerateContent`); errors, the relay's own included, come in Google's shape.
 */
import type { Format } from '../types';
import type { Obj } from '../../../lib/json';
import { messagesTokens, walk } from '../../prompt/count';
import { modelOf, num, obj, streamOf } from '../shape';
import { inboundSchemas } from '../schemas';
import { chatToGeminiResponse, ChatStreamToGeminiWriter, geminiToChatRequest } from './hub';
import { geminiErrorBody, geminiStreamError } from './errors';

/** The output limit set, in the spelling the client used (Google refuses a field given twice). */
function geminiWithLimit(b: Obj, limit: number): Obj {
  const outer = b.generationConfig == null && b.generation_config != null ? 'generation_config' : 'generationConfig';
  const { maxOutputTokens: camel, max_output_tokens: snakeCase, ...rest } = obj(b[outer]);
  const inner =
    camel == null && (snakeCase != null || outer === 'generation_config') ? 'max_output_tokens' : 'maxOutputTokens';
  return { ...b, [outer]: { ...rest, [inner]: limit } };
}

export const gemini: Format = {
  endpoint: 'gemini',
  paths: ['/v1beta/models/:target'],
  upstreamPath: '/models',
  streamUsageOptIn: false,
  schema: inboundSchemas.gemini,
  // Either spelling, camelCase first, as the converters read them. A Gemini stream always ends with usageMetadata.
  shape: (body) => {
    const generation = obj(body.generationConfig ?? body.generation_config);
    return {
      model: modelOf(body),
      stream: streamOf(body),
      clientWantsUsage: true,
      maxCompletion: num(generation.maxOutputTokens ?? generation.max_output_tokens),
      choices: num(generation.candidateCount ?? generation.candidate_count) ?? 1,
    };
  },
  withLimit: ({ body }, limit) => geminiWithLimit(body, limit),
  countPrompt: (c, body) => {
    return messagesTokens(c, body.contents) + walk(c, [body.systemInstruction ?? body.system_instruction, body.tools]);
  },
  client: ({ body, model, stream }) => ({
    toChat: (m) => geminiToChatRequest(body, m, stream),
    fromChat: (json) => chatToGeminiResponse(json),
    writer: () => new ChatStreamToGeminiWriter(model),
  }),
  errorBody: (status, e) => geminiErrorBody(status, e.message, e.code ?? 'invalid_request'),
  streamError: (message) => geminiStreamError(message, 502),
};
