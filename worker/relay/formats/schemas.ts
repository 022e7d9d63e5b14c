/**
 * The schema of each inbound request format. Every body is checked against its format's schema
 * before it is converted or sent; a failure answers 400 naming the field
 * (`${issue.path.join('.')}: ${issue.message}`). Fields of the formats a body may be converted to
 * are checked for their JSON type too (./foreign).
 */
import type { z } from 'zod';
import { chatRequest, type ChatRequest } from './chat/schema';
import { completionsRequest, type CompletionsRequest } from './completions/schema';
import { embeddingsRequest, type EmbeddingsRequest } from './embeddings/schema';
import { messagesRequest, type MessagesRequest } from './messages/schema';
import { responsesRequest, type ResponsesRequest } from './responses/schema';
import { geminiRequest, type GeminiRequest } from './gemini/schema';
import { withForeignFields } from './foreign';
import type { Endpoint } from './types';

export { chatRequest, type ChatRequest, type ChatMessage } from './chat/schema';
export { completionsRequest, type CompletionsRequest } from './completions/schema';
export { embeddingsRequest, type EmbeddingsRequest } from './embeddings/schema';
export {
  messagesRequest,
  type MessagesRequest,
  type MessagesMessage,
  type MessagesContentBlock,
} from './messages/schema';
export { responsesRequest, type ResponsesRequest } from './responses/schema';
export { geminiRequest, type GeminiRequest } from './gemini/schema';

/** The parsed body of each format. */
export interface InboundRequests {
  chat: ChatRequest;
  completions: CompletionsRequest;
  embeddings: EmbeddingsRequest;
  messages: MessagesRequest;
  responses: ResponsesRequest;
  gemini: GeminiRequest;
}

export type InboundRequest<F extends Endpoint = Endpoint> = InboundRequests[F];

export const inboundSchemas: { readonly [F in Endpoint]: z.ZodType<InboundRequests[F]> } = {
  chat: withForeignFields('chat', chatRequest),
  completions: completionsRequest,
  embeddings: embeddingsRequest,
  messages: withForeignFields('messages', messagesRequest),
  responses: withForeignFields('responses', responsesRequest),
  gemini: withForeignFields('gemini', geminiRequest),
};
