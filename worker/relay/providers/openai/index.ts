import { openAiUsage, readChatChunk, readResponsesEvent, responsesUsage } from './usage';
import { formatOf, type Endpoint } from '../../formats';
import { joinUrl, type Provider, type Serving } from '../types';

/** What sets one OpenAI-compatible provider apart from another. */
export interface OpenAiCompatible {
  type: string;
  /** The path between the base URL and each format's path: `/v1` for OpenAI, none for some others. */
  versionPrefix: string;
  /** The headers that carry the key. */
  auth(key: string): Record<string, string>;
  serves: Readonly<Partial<Record<Endpoint, Serving>>>;
}

/**
 * A provider that speaks OpenAI's wire formats: its answers, streams and errors read as OpenAI's,
 * its side of the hub is the identity (the hub is chat completions).
 */
export function openAiCompatible(spec: OpenAiCompatible): Provider {
  return {
    type: spec.type,
    serves: spec.serves,
    passHeaders: [],
    request(baseUrl, key, call) {
      const body: Record<string, unknown> = { ...call.body, model: call.model };
      if (call.stream && formatOf(call.endpoint).streamUsageOptIn) {
        // Always ask for usage; the stream tap removes it again if the client did not ask.
        const asked = (call.body.stream_options as Record<string, unknown> | undefined) ?? {};
        body.stream_options = { ...asked, include_usage: true };
      }
      return {
        url: joinUrl(baseUrl, spec.versionPrefix, call.endpoint),
        init: {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...spec.auth(key),
            accept: call.stream ? 'text/event-stream' : 'application/json',
          },
          body: JSON.stringify(body),
        },
      };
    },
    hub: { endpoint: 'chat', fromChat: (chat) => chat, toChat: (json) => json, streamToChat: () => null },
    probe: (model) => ({
      endpoint: 'chat',
      body: { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
    }),
    streamReader: (endpoint) => (endpoint === 'responses' ? readResponsesEvent : readChatChunk),
    usageOf: openAiUsageOf,
    completionParts: openAiCompletionParts,
  };
}

export const openai = openAiCompatible({
  type: 'openai',
  versionPrefix: '/v1',
  auth: (key) => ({ authorization: `Bearer ${key}` }),
  // The Responses API natively, unless the channel's operator said it has none (see speaksNatively).
  serves: {
    chat: 'native',
    completions: 'native',
    embeddings: 'native',
    responses: 'native',
    messages: 'hub',
    gemini: 'hub',
  },
});

function openAiUsageOf(json: Record<string, unknown>) {
  const u = json.usage as Record<string, unknown> | undefined;
  if (!u) return null;
  return json.object === 'response' || 'input_tokens' in u ? responsesUsage(u) : openAiUsage(u);
}

function openAiCompletionParts(json: Record<string, unknown>): string[] {
  const parts: string[] = [];
  const add = (v: unknown) => typeof v === 'string' && v && parts.push(v);
  const choices = Array.isArray(json.choices) ? (json.choices as Record<string, unknown>[]) : [];
  for (const c of choices) {
    const message = (c.message ?? {}) as Record<string, unknown>;
    add(message.content);
    add(message.reasoning_content);
    add(message.reasoning);
    add(message.refusal);
    add(c.text);
    for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as Record<string, unknown>[]) : []) {
      const fn = (call.function ?? {}) as Record<string, unknown>;
      add(fn.name);
      add(fn.arguments);
    }
  }
  for (const item of Array.isArray(json.output) ? (json.output as Record<string, unknown>[]) : [])
    responseItemParts(item, add);
  return parts;
}

/** The text of one Responses output item: message parts, reasoning summaries, a function call's name and arguments. */
function responseItemParts(item: Record<string, unknown>, add: (v: unknown) => void): void {
  if (item.type === 'function_call') {
    add(item.name);
    add(item.arguments);
    return;
  }
  const parts = [
    ...(Array.isArray(item.content) ? item.content : []),
    ...(Array.isArray(item.summary) ? item.summary : []),
  ] as Record<string, unknown>[];
  for (const p of parts) {
    add(p.text);
    add(p.refusal);
  }
}
