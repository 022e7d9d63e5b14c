/**
 * How a client's format reaches a channel of any type. Where they match, the call goes through
 * as it is. Otherwise OpenAI chat completions is the hub: the client's request is turned into
 * chat and on into the channel's format, and the answer and stream come back the same way, so
 * each format needs converters to and from chat only.
 */
import type { ChannelRecord } from '../db/snapshots';
import { PassThroughWriter } from './convert/pass-through';
import { chatToMessagesRequest, messageToChatResponse, MessagesStreamToChatWriter } from './convert/chat-via-anthropic';
import { chatResponseToMessage, ChatStreamToMessagesWriter, messagesToChatRequest } from './convert/messages-via-openai';
import { chatToGeminiRequest, geminiToChatResponse, GeminiStreamToChatWriter } from './convert/chat-via-gemini';
import { chatToGeminiResponse, ChatStreamToGeminiWriter, geminiToChatRequest } from './convert/gemini-via-chat';
import type { SseWriter } from './convert/types';
import { ChainedWriter } from './convert/chain';
import { ChatStreamToResponsesWriter } from './convert/responses-stream';
import { chatToResponse, responsesToChatRequest } from './convert/responses-via-chat';
import type { Endpoint } from './pick';
import { providerFor } from './providers';
import type { ParsedCall } from './request-shape';
import type { StreamFormat } from './stream-tap';

type Obj = Record<string, unknown>;

/** How one attempt reaches a channel: what to ask it, and how its answer reaches the client. */
export interface UpstreamRoute {
  endpoint: Endpoint;
  body: Obj;
  /** A non-streamed answer (parsed and as text) in the client's format. */
  toClient(json: Obj, text: string): string;
  writer(): SseWriter;
  /** The format of the upstream's stream, which the tap reads. */
  tapFormat: StreamFormat;
}

/** An OpenAI channel serves the Responses API itself unless the operator said it does not. */
export const servesResponsesNatively = (channel: ChannelRecord) => channel.type === 'openai' && channel.servesResponses !== false;

/** The channel type that speaks a client format as it is. */
function speaksNatively(endpoint: Endpoint, channel: ChannelRecord): boolean {
  if (endpoint === 'responses') return servesResponsesNatively(channel);
  if (endpoint === 'messages') return channel.type === 'anthropic';
  if (endpoint === 'gemini') return channel.type === 'gemini';
  return channel.type === 'openai';
}

/** A client format's side of the hub: its request as chat, chat answers and chunks back in its format. */
interface ClientSide {
  toChat(upstreamModel: string): Obj;
  fromChat(json: Obj): Obj;
  /** Chat chunks to the client's events; null for a chat client (chunks go as they are). */
  writer(): SseWriter | null;
}

function clientSide(endpoint: Endpoint, call: ParsedCall): ClientSide {
  const { body, model } = call;
  switch (endpoint) {
    case 'messages':
      return { toChat: (m) => messagesToChatRequest(body, m), fromChat: (json) => chatResponseToMessage(json, model), writer: () => new ChatStreamToMessagesWriter(model) };
    case 'responses':
      return { toChat: (m) => responsesToChatRequest(body, m), fromChat: (json) => chatToResponse(json, body, model), writer: () => new ChatStreamToResponsesWriter(body, model) };
    case 'gemini':
      return { toChat: (m) => geminiToChatRequest(body, m, call.stream), fromChat: (json) => chatToGeminiResponse(json), writer: () => new ChatStreamToGeminiWriter(model) };
    default:
      return { toChat: (m) => ({ ...body, model: m }), fromChat: (json) => json, writer: () => null };
  }
}

/** A channel type's side of the hub: chat into its request, its answers and events back to chat. */
interface ChannelSide {
  endpoint: Endpoint;
  tapFormat: StreamFormat;
  fromChat(chat: Obj, upstreamModel: string): Obj;
  toChat(json: Obj): Obj;
  /** The channel's events to chat chunks; null for a chat channel. */
  writer(wantsUsage: boolean): SseWriter | null;
}

function channelSide(channel: ChannelRecord, model: string): ChannelSide {
  if (channel.type === 'anthropic') {
    return {
      endpoint: 'messages', tapFormat: 'anthropic', fromChat: (chat, m) => chatToMessagesRequest(chat, m),
      toChat: (json) => messageToChatResponse(json, model), writer: (usage) => new MessagesStreamToChatWriter(model, usage),
    };
  }
  if (channel.type === 'gemini') {
    return {
      endpoint: 'gemini', tapFormat: 'gemini', fromChat: (chat) => chatToGeminiRequest(chat),
      toChat: (json) => geminiToChatResponse(json, model), writer: (usage) => new GeminiStreamToChatWriter(model, usage),
    };
  }
  return { endpoint: 'chat', tapFormat: 'openai', fromChat: (chat) => chat, toChat: (json) => json, writer: () => null };
}

export function routeFor(endpoint: Endpoint, channel: ChannelRecord, call: ParsedCall, upstreamModel: string): UpstreamRoute {
  if (speaksNatively(endpoint, channel)) {
    const format: StreamFormat = endpoint === 'responses' ? 'responses' : providerFor(channel.type).streamFormat;
    return { endpoint, body: call.body, toClient: (_json, text) => text, writer: () => new PassThroughWriter(format, call.clientWantsUsage), tapFormat: format };
  }
  const client = clientSide(endpoint, call);
  const upstream = channelSide(channel, call.model);
  return {
    endpoint: upstream.endpoint,
    body: upstream.fromChat(client.toChat(upstreamModel), upstreamModel),
    toClient: (json) => JSON.stringify(client.fromChat(upstream.toChat(json))),
    writer: () => hubWriter(upstream, client, call.clientWantsUsage),
    tapFormat: upstream.tapFormat,
  };
}

/** The channel's events to chat chunks, then chat chunks to the client's events. */
function hubWriter(upstream: ChannelSide, client: ClientSide, clientWantsUsage: boolean): SseWriter {
  const toClient = client.writer();
  const toChat = upstream.writer(toClient ? true : clientWantsUsage);
  if (toChat && toClient) return new ChainedWriter(toChat, toClient);
  return toChat ?? toClient ?? new PassThroughWriter('openai', clientWantsUsage);
}
