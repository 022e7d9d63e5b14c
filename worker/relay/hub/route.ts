/**
 * How a client's format reaches a channel of any type. Where they match, the call goes through
 * as it is. Otherwise OpenAI chat completions is the hub, the relay's internal form of a call:
 * the client's request is turned into chat and on into the channel's format, and the answer and
 * stream come back the same way, so each format needs converters to and from chat only. A
 * channel type's side is data in its provider module (providers/<type>.ts `hub`); a client
 * format's side is below.
 */
import type { ChannelRecord } from '../../db/snapshots';
import { PassThroughWriter } from './pass-through';
import { chatResponseToMessage, ChatStreamToMessagesWriter, messagesToChatRequest } from '../formats/messages/hub';
import { chatToGeminiResponse, ChatStreamToGeminiWriter, geminiToChatRequest } from '../formats/gemini/hub';
import type { SseWriter } from './sse';
import { ChainedWriter } from './chain';
import { ChatStreamToResponsesWriter } from '../formats/responses/from-chat-stream';
import { chatToResponse, responsesToChatRequest } from '../formats/responses/hub';
import type { Endpoint } from '../pick';
import { providerFor } from '../providers';
import type { HubSide } from '../providers/types';
import type { ParsedCall } from '../formats/call';
import type { StreamFormat } from './tap';
import { type Obj } from '../../lib/json';

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

export function routeFor(endpoint: Endpoint, channel: ChannelRecord, call: ParsedCall, upstreamModel: string): UpstreamRoute {
  if (speaksNatively(endpoint, channel)) {
    const format: StreamFormat = endpoint === 'responses' ? 'responses' : providerFor(channel.type).streamFormat;
    return { endpoint, body: call.body, toClient: (_json, text) => text, writer: () => new PassThroughWriter(format, call.clientWantsUsage), tapFormat: format };
  }
  const client = clientSide(endpoint, call);
  const provider = providerFor(channel.type);
  const upstream = provider.hub;
  return {
    endpoint: upstream.endpoint,
    body: upstream.fromChat(client.toChat(upstreamModel), upstreamModel),
    toClient: (json) => JSON.stringify(client.fromChat(upstream.toChat(json, call.model))),
    writer: () => hubWriter(upstream, call.model, client, call.clientWantsUsage),
    tapFormat: provider.streamFormat,
  };
}

/** The channel's events to chat chunks, then chat chunks to the client's events. */
function hubWriter(upstream: HubSide, model: string, client: ClientSide, clientWantsUsage: boolean): SseWriter {
  const toClient = client.writer();
  const toChat = upstream.streamToChat(model, toClient ? true : clientWantsUsage);
  if (toChat && toClient) return new ChainedWriter(toChat, toClient);
  return toChat ?? toClient ?? new PassThroughWriter('openai', clientWantsUsage);
}
