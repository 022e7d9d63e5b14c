/** OpenAI's Responses API: native on OpenAI channels that serve it, through the hub elsewhere. */
import type { Format } from '../types';
import { messagesTokens, PER_MESSAGE, walk } from '../../prompt/count';
import { modelOf, nonEmpty, num, streamOf } from '../shape';
import { inboundSchemas } from '../schemas';
import { openAiErrorBody } from '../chat/errors';
import { chatToResponse, responsesToChatRequest } from './hub';
import { ChatStreamToResponsesWriter } from './from-chat-stream';
import { responsesStreamError } from './errors';

export const responses: Format = {
  endpoint: 'responses',
  paths: ['/v1/responses'],
  upstreamPath: '/responses',
  streamUsageOptIn: false,
  schema: inboundSchemas.responses,
  // A Responses stream always ends with its usage (response.completed).
  shape: (body) => ({
    model: modelOf(body),
    stream: streamOf(body),
    clientWantsUsage: true,
    maxCompletion: num(body.max_output_tokens),
    choices: 1,
  }),
  withLimit: ({ body }, limit) => ({ ...body, max_output_tokens: limit }),
  sessionKey: (body) => nonEmpty(body.prompt_cache_key),
  countPrompt: (c, body) => {
    const input =
      typeof body.input === 'string' ? PER_MESSAGE * 2 + walk(c, body.input) : messagesTokens(c, body.input);
    return input + walk(c, [body.instructions, body.tools, body.text]);
  },
  client: ({ body, model }) => ({
    toChat: (m) => responsesToChatRequest(body, m),
    fromChat: (json) => chatToResponse(json, body, model),
    writer: () => new ChatStreamToResponsesWriter(body, model),
  }),
  errorBody: openAiErrorBody,
  streamError: responsesStreamError,
};
