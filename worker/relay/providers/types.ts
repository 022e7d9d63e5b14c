import type { Usage } from '../../billing/charge';
import type { Endpoint } from '../pick';
import type { SseWriter } from '../hub/sse';
import type { StreamFormat } from '../hub/tap';

export interface UpstreamCall {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** Incoming headers a provider may pass on (anthropic-version, anthropic-beta). */
  headers: Headers;
}

/** A provider is mostly data: where to send, how to authenticate, where usage lives. */
export interface Provider {
  type: string;
  streamFormat: StreamFormat;
  request(baseUrl: string, key: string, call: UpstreamCall): { url: string; init: RequestInit };
  usageOf(json: Record<string, unknown>): Usage | null;
  /**
   * The completion of a non-streamed answer, part by part (text, reasoning, each tool call's name
   * and arguments), for counting when usage is missing; none of the JSON around them.
   */
  completionParts(json: Record<string, unknown>): string[];
  /**
   * The provider's own reading of an error answer, where its structured body says more than the
   * status (Gemini's dead key is a 400); null leaves it to the common rules.
   */
  classify?(status: number, body: string): { passBack: boolean; counts: boolean; keyDead: boolean } | null;
  /** The smallest real call in the provider's own format (one completion token), for probes and channel tests. */
  probe(model: string): { endpoint: Endpoint; body: Record<string, unknown> };
  /**
   * Its side of the hub every conversion goes through (OpenAI chat completions, the relay's
   * internal form of a call): chat into its request, and its answers and stream events back to chat.
   */
  hub: HubSide;
}

export interface HubSide {
  endpoint: Endpoint;
  fromChat(chat: Record<string, unknown>, upstreamModel: string): Record<string, unknown>;
  toChat(json: Record<string, unknown>, model: string): Record<string, unknown>;
  /** The provider's stream events to chat chunks; null where they are chat chunks already. */
  streamToChat(model: string, wantsUsage: boolean): SseWriter | null;
}

const PATHS: Record<Endpoint, string> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  messages: '/v1/messages',
  responses: '/v1/responses',
  // Gemini's path carries the model (providers/gemini.ts builds it); no other provider serves it as asked.
  gemini: '/v1beta/models',
};

/** `base_url` is the provider's origin (optionally with a path prefix); a trailing /v1 is tolerated. */
export function joinUrl(baseUrl: string, endpoint: Endpoint): string {
  const base = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${base}${PATHS[endpoint]}`;
}
