/**
 * How a client's format reaches a channel of any type. Where the channel speaks it, the call goes
 * through as it is. Otherwise OpenAI chat completions is the hub, the relay's internal form of a
 * call: the client's request is turned into chat and on into the channel's format, and the answer
 * and stream come back the same way, so each format needs converters to and from chat only. A
 * client format's side is its `client` (formats/<format>/), a channel type's its `hub`
 * (providers/<type>/).
 */
import type { ChannelRecord } from '../../db/snapshots';
import { formatOf, type Endpoint, type ParsedCall } from '../formats';
import type { ClientSide } from '../formats/types';
import { providerFor, speaksNatively } from '../providers';
import type { HubSide } from '../providers/types';
import { openAiStreamError } from '../formats/chat/errors';
import { ChainedWriter } from './chain';
import { PassThroughWriter } from './pass-through';
import type { SseWriter } from './sse';
import type { StreamReader } from './tap';
import type { Obj } from '../../lib/json';
import { splitHosted } from '../formats/responses/tools';

/** How one attempt reaches a channel: what to ask it, and how its answer reaches the client. */
export interface UpstreamRoute {
  endpoint: Endpoint;
  body: Obj;
  /** A non-streamed answer (parsed and as text) in the client's format. */
  toClient(json: Obj, text: string): string;
  writer(): SseWriter;
  /** Reads the upstream's stream events (usage, delivered parts, the end) beside the writer. */
  reader: StreamReader;
  /** Tool types the client offered that the channel lacks: left out, named in `x-relay-dropped-tools`. */
  droppedTools: string[];
}

export function routeFor(
  endpoint: Endpoint,
  channel: ChannelRecord,
  call: ParsedCall,
  upstreamModel: string,
): UpstreamRoute {
  const provider = providerFor(channel.type);
  const format = formatOf(endpoint);
  if (speaksNatively(endpoint, channel)) {
    const dropAskedUsage = format.streamUsageOptIn && !call.clientWantsUsage;
    return {
      endpoint,
      body: call.body,
      toClient: (_json, text) => text,
      writer: () => new PassThroughWriter(dropAskedUsage, format.streamError),
      reader: provider.streamReader(endpoint),
      droppedTools: [],
    };
  }
  const client = format.client(call);
  const upstream = provider.hub;
  const { chat, dropped } = splitHosted(client.toChat(upstreamModel), (type) => upstream.offersHosted?.(type) ?? false);
  return {
    endpoint: upstream.endpoint,
    droppedTools: dropped,
    body: upstream.fromChat(chat, upstreamModel),
    toClient: (json) => JSON.stringify(client.fromChat(upstream.toChat(json, call.model))),
    writer: () => hubWriter(upstream, call.model, client, call.clientWantsUsage),
    reader: provider.streamReader(upstream.endpoint),
  };
}

/** The channel's events to chat chunks, then chat chunks to the client's events. */
function hubWriter(upstream: HubSide, model: string, client: ClientSide, clientWantsUsage: boolean): SseWriter {
  const toClient = client.writer();
  const toChat = upstream.streamToChat(model, toClient ? true : clientWantsUsage);
  if (toChat && toClient) return new ChainedWriter(toChat, toClient);
  return toChat ?? toClient ?? new PassThroughWriter(!clientWantsUsage, openAiStreamError);
}
