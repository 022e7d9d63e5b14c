/**
 * A provider (a channel type) is mostly data: where to send and how to authenticate, which client
 * formats it serves natively or through the hub, where usage lives in its answers and streams,
 * how to read its errors, and the smallest real call to probe it. One folder per provider under
 * providers/, one line per provider in providers/index.ts.
 */
import type { Usage } from '../../billing/charge';
import type { SseWriter } from '../hub/sse';
import type { StreamReader } from '../hub/tap';
import { formatOf, type Endpoint } from '../formats';
import type { Obj } from '../../lib/json';

export interface UpstreamCall {
  endpoint: Endpoint;
  body: Obj;
  model: string;
  stream: boolean;
  /** Incoming headers a provider may pass on (its `passHeaders`). */
  headers: Headers;
}

/** How a provider serves a client format: as it is asked, or converted through the hub (chat completions). */
export type Serving = 'native' | 'hub';

export interface ErrorVerdict {
  /** Hand the answer back to the client: it is about the request, not the channel. */
  passBack: boolean;
  /** The failure speaks about the channel and counts against its health. */
  counts: boolean;
  /** The channel's key looks dead (auto-disabled once the failure threshold is reached). */
  keyDead: boolean;
}

export interface Provider {
  type: string;
  /** For each client format it serves: natively or through the hub. A format missing here is not served. */
  serves: Readonly<Partial<Record<Endpoint, Serving>>>;
  /** Client headers passed on to the provider as they came. */
  passHeaders: readonly string[];
  request(baseUrl: string, key: string, call: UpstreamCall): { url: string; init: RequestInit };
  usageOf(json: Obj): Usage | null;
  /** Reads one event of the provider's stream for the format it was asked in (usage, delivered parts, the end). */
  streamReader(endpoint: Endpoint): StreamReader;
  /**
   * The completion of a non-streamed answer, part by part (text, reasoning, each tool call's name
   * and arguments), for counting when usage is missing; none of the JSON around them.
   */
  completionParts(json: Obj): string[];
  /**
   * The provider's own reading of an error answer, where its structured body says more than the
   * status (Gemini's dead key is a 400); null leaves it to the common rules (classifyUpstreamError).
   */
  classify?(status: number, body: string): ErrorVerdict | null;
  /** The smallest real call in the provider's own format (one completion token), for probes and channel tests. */
  probe(model: string): { endpoint: Endpoint; body: Obj };
  /**
   * Its side of the hub every conversion goes through (OpenAI chat completions, the relay's
   * internal form of a call): chat into its request, and its answers and stream events back to chat.
   */
  hub: HubSide;
}

export interface HubSide {
  endpoint: Endpoint;
  fromChat(chat: Obj, upstreamModel: string): Obj;
  toChat(json: Obj, model: string): Obj;
  /** The provider's stream events to chat chunks; null where they are chat chunks already. */
  streamToChat(model: string, wantsUsage: boolean): SseWriter | null;
  /** The hosted tool types (Responses names) it maps to a tool of its own; the others are left out. */
  offersHosted?(type: string): boolean;
}

/**
 * `base_url` is the provider's origin (optionally with a path prefix); a trailing /v1 is
 * tolerated. The provider's version prefix (`/v1`, or none) comes before the format's path.
 */
export function joinUrl(baseUrl: string, versionPrefix: string, endpoint: Endpoint): string {
  const base = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${base}${versionPrefix}${formatOf(endpoint).upstreamPath}`;
}

/** The client headers a provider passes on, where the client sent them. */
export function passedHeaders(names: readonly string[], incoming: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = incoming.get(name);
    if (value) out[name] = value;
  }
  return out;
}
