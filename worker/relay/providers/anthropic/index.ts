import { offersHosted, chatToMessagesRequest, messageToChatResponse, MessagesStreamToChatWriter } from './hub';
import { usageFromAnthropic, readMessagesEvent } from './usage';
import { joinUrl, passedHeaders, type Provider } from '../types';

const DEFAULT_VERSION = '2023-06-01';

export const anthropic: Provider = {
  type: 'anthropic',
  serves: { messages: 'native', chat: 'hub', responses: 'hub', gemini: 'hub' },
  passHeaders: ['anthropic-version', 'anthropic-beta'],
  request(baseUrl, key, call) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': key,
      'anthropic-version': DEFAULT_VERSION,
      ...passedHeaders(anthropic.passHeaders, call.headers),
    };
    return {
      url: joinUrl(baseUrl, '/v1', call.endpoint),
      init: { method: 'POST', headers, body: JSON.stringify({ ...call.body, model: call.model }) },
    };
  },
  hub: {
    endpoint: 'messages',
    fromChat: (chat, upstreamModel) => chatToMessagesRequest(chat, upstreamModel),
    toChat: (json, model) => messageToChatResponse(json, model),
    streamToChat: (model, wantsUsage) => new MessagesStreamToChatWriter(model, wantsUsage),
    offersHosted,
  },
  probe: (model) => ({
    endpoint: 'messages',
    body: { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
  }),
  streamReader: () => readMessagesEvent,
  usageOf(json) {
    const u = json.usage as Record<string, unknown> | undefined;
    return u ? usageFromAnthropic(u, null) : null;
  },
  completionParts(json) {
    const content = Array.isArray(json.content) ? (json.content as Record<string, unknown>[]) : [];
    const parts: string[] = [];
    for (const b of content) {
      for (const v of [b.text, b.thinking, b.name]) if (typeof v === 'string' && v) parts.push(v);
      if (b.input && typeof b.input === 'object') parts.push(JSON.stringify(b.input));
    }
    return parts;
  },
};
