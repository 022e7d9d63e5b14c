import type { ChannelRecord } from '../db/snapshots';
import { PassThroughWriter } from './convert/pass-through';
import { chatToMessagesRequest, messageToChatResponse, MessagesStreamToChatWriter } from './convert/chat-via-anthropic';
import { chatResponseToMessage, ChatStreamToMessagesWriter, messagesToChatRequest } from './convert/messages-via-openai';
import type { SseWriter } from './convert/types';
import { ChainedWriter } from './convert/chain';
import { ChatStreamToResponsesWriter } from './convert/responses-stream';
import { chatToResponse, responsesToChatRequest } from './convert/responses-via-chat';
import type { Endpoint } from './pick';
import { providerFor } from './providers';
import type { ParsedCall } from './request-shape';
import type { StreamFormat } from './stream-tap';

/** How one attempt reaches a channel: what to ask it, and how its answer reaches the client. */
export interface UpstreamRoute {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  /** A non-streamed answer (parsed and as text) in the client's format. */
  toClient(json: Record<string, unknown>, text: string): string;
  writer(): SseWriter;
  /** The format of the upstream's stream, which the tap reads. */
  tapFormat: StreamFormat;
}

/**
 * A client's endpoint served by a channel of its own format goes through as it is; OpenAI chat on
 * an Anthropic channel, and Anthropic Messages on an OpenAI channel, are converted both ways.
 */
export function routeFor(endpoint: Endpoint, channel: ChannelRecord, call: ParsedCall, upstreamModel: string): UpstreamRoute {
  if (endpoint === 'responses' && !servesResponsesNatively(channel)) return responsesRoute(channel, call, upstreamModel);
  if (endpoint === 'chat' && channel.type === 'anthropic') {
    return {
      endpoint: 'messages',
      body: chatToMessagesRequest(call.body, upstreamModel),
      toClient: (json) => JSON.stringify(messageToChatResponse(json, call.model)),
      writer: () => new MessagesStreamToChatWriter(call.model, call.clientWantsUsage),
      tapFormat: 'anthropic',
    };
  }
  if (endpoint === 'messages' && channel.type === 'openai') {
    return {
      endpoint: 'chat',
      body: messagesToChatRequest(call.body, upstreamModel),
      toClient: (json) => JSON.stringify(chatResponseToMessage(json, call.model)),
      writer: () => new ChatStreamToMessagesWriter(call.model),
      tapFormat: 'openai',
    };
  }
  const format: StreamFormat = endpoint === 'responses' ? 'responses' : providerFor(channel.type).streamFormat;
  return {
    endpoint,
    body: call.body,
    toClient: (_json, text) => text,
    writer: () => new PassThroughWriter(format, call.clientWantsUsage),
    tapFormat: format,
  };
}

/** An OpenAI channel serves the Responses API itself unless the operator said it does not. */
export const servesResponsesNatively = (channel: ChannelRecord) => channel.type === 'openai' && channel.servesResponses !== false;

/**
 * The Responses API on a chat upstream: converted to chat completions, and on an Anthropic
 * channel on to Messages through the chat converters (answers and streams back the same way).
 */
function responsesRoute(channel: ChannelRecord, call: ParsedCall, upstreamModel: string): UpstreamRoute {
  const chat = responsesToChatRequest(call.body, upstreamModel);
  const toResponses = () => new ChatStreamToResponsesWriter(call.body, call.model);
  if (channel.type === 'anthropic') {
    return {
      endpoint: 'messages',
      body: chatToMessagesRequest(chat, upstreamModel),
      toClient: (json) => JSON.stringify(chatToResponse(messageToChatResponse(json, call.model), call.body, call.model)),
      writer: () => new ChainedWriter(new MessagesStreamToChatWriter(call.model, true), toResponses()),
      tapFormat: 'anthropic',
    };
  }
  return {
    endpoint: 'chat',
    body: chat,
    toClient: (json) => JSON.stringify(chatToResponse(json, call.body, call.model)),
    writer: toResponses,
    tapFormat: 'openai',
  };
}
