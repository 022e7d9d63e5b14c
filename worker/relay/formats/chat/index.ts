/** OpenAI chat completions: the hub every conversion goes through, so its side of the hub is the identity. */
import type { Format } from '../types';
import { messagesTokens, walk } from '../../prompt/count';
import { modelOf, nonEmpty, num, obj, streamOf } from '../shape';
import { inboundSchemas } from '../schemas';
import { openAiErrorBody, openAiStreamError } from './errors';

/** Models that take `max_completion_tokens` only (OpenAI's reasoning families). */
export const COMPLETION_TOKENS_ONLY = /^(o\d|gpt-5)/i;

export const chat: Format = {
  endpoint: 'chat',
  paths: ['/v1/chat/completions'],
  upstreamPath: '/chat/completions',
  streamUsageOptIn: true,
  schema: inboundSchemas.chat,
  shape: (body) => ({
    model: modelOf(body),
    stream: streamOf(body),
    clientWantsUsage: obj(body.stream_options).include_usage === true,
    maxCompletion: num(body.max_completion_tokens) ?? num(body.max_tokens),
    choices: num(body.n) ?? 1,
  }),
  // The field the client used, else `max_tokens` (or `max_completion_tokens` for models that take only that).
  withLimit: ({ body, model }, limit) => {
    const field =
      body.max_completion_tokens != null || (body.max_tokens == null && COMPLETION_TOKENS_ONLY.test(model))
        ? 'max_completion_tokens'
        : 'max_tokens';
    return { ...body, [field]: limit };
  },
  sessionKey: (body) => nonEmpty(body.prompt_cache_key),
  countPrompt: (c, body) => {
    return messagesTokens(c, body.messages) + walk(c, [body.tools, body.functions, body.response_format]);
  },
  client: ({ body }) => ({ toChat: (m) => ({ ...body, model: m }), fromChat: (json) => json, writer: () => null }),
  errorBody: openAiErrorBody,
  streamError: openAiStreamError,
};
