/**
 * The schema of each inbound request format. Every body is checked against its format's schema
 * before it is converted or sent; a failure answers 400 naming the field
 * (`${issue.path.join('.')}: ${issue.message}`). Fields of the formats a body may be converted to
 * are checked for their JSON type too (./foreign).
 */
import type { z } from 'zod';
import { chatRequest, type ChatRequest } from './chat';
import { completionsRequest, type CompletionsRequest } from './completions';
import { embeddingsRequest, type EmbeddingsRequest } from './embeddings';
import { messagesRequest, type MessagesRequest } from './messages';
import { responsesRequest, type ResponsesRequest } from './responses';
import { geminiRequest, type GeminiRequest } from './gemini';
import { withForeignFields } from './foreign';

export { chatRequest, type ChatRequest, type ChatMessage } from './chat';
export { completionsRequest, type CompletionsRequest } from './completions';
export { embeddingsRequest, type EmbeddingsRequest } from './embeddings';
export { messagesRequest, type MessagesRequest, type MessagesMessage, type MessagesContentBlock } from './messages';
export { responsesRequest, type ResponsesRequest } from './responses';
export { geminiRequest, type GeminiRequest } from './gemini';

export type InboundFormat = 'chat' | 'completions' | 'embeddings' | 'messages' | 'responses' | 'gemini';

/** The parsed body of each format. */
export interface InboundRequests {
  chat: ChatRequest;
  completions: CompletionsRequest;
  embeddings: EmbeddingsRequest;
  messages: MessagesRequest;
  responses: ResponsesRequest;
  gemini: GeminiRequest;
}

export type InboundRequest<F extends InboundFormat = InboundFormat> = InboundRequests[F];

export const inboundSchemas: { readonly [F in InboundFormat]: z.ZodType<InboundRequests[F]> } = {
  chat: withForeignFields('chat', chatRequest),
  completions: completionsRequest,
  embeddings: embeddingsRequest,
  messages: withForeignFields('messages', messagesRequest),
  responses: withForeignFields('responses', responsesRequest),
  gemini: withForeignFields('gemini', geminiRequest),
};
