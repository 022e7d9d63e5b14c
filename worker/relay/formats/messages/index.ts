/** Anthropic Messages: native on anthropic channels, through the hub elsewhere. */
import type { Format } from '../types';
import { messagesTokens, walk } from '../../prompt/count';
import { modelOf, nonEmpty, num, obj, streamOf } from '../shape';
import { inboundSchemas } from '../schemas';
import { chatResponseToMessage, ChatStreamToMessagesWriter, messagesToChatRequest } from './hub';
import { anthropicErrorBody, anthropicStreamError } from './errors';

export const messages: Format = {
  endpoint: 'messages',
  paths: ['/v1/messages'],
  upstreamPath: '/messages',
  streamUsageOptIn: false,
  schema: inboundSchemas.messages,
  shape: (body) => ({
    model: modelOf(body),
    stream: streamOf(body),
    clientWantsUsage: false,
    maxCompletion: num(body.max_tokens),
    choices: 1,
  }),
  // Anthropic wants a thinking budget below max_tokens; a lowered limit takes the budget down with it.
  withLimit: ({ body }, limit) => {
    const thinking = body.thinking as { type?: string; budget_tokens?: number } | undefined;
    const budget =
      thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' && thinking.budget_tokens >= limit
        ? Math.max(1024, limit - 1)
        : null;
    return budget === null
      ? { ...body, max_tokens: limit }
      : { ...body, max_tokens: limit, thinking: { ...thinking, budget_tokens: budget } };
  },
  sessionKey: (body) => nonEmpty(obj(body.metadata).user_id),
  countPrompt: (c, body) => {
    return messagesTokens(c, body.messages) + walk(c, [body.system, body.tools]);
  },
  client: ({ body, model }) => ({
    toChat: (m) => messagesToChatRequest(body, m),
    fromChat: (json) => chatResponseToMessage(json, model),
    writer: () => new ChatStreamToMessagesWriter(model),
  }),
  errorBody: anthropicErrorBody,
  streamError: anthropicStreamError,
};
