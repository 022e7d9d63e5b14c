import { chatToMessagesRequest, messageToChatResponse, MessagesStreamToChatWriter } from './hub';
import { anthropicUsage } from './usage';
import { joinUrl, type Provider } from '../types';

const DEFAULT_VERSION = '2023-06-01';

export const anthropic: Provider = {
  type: 'anthropic',
  streamFormat: 'anthropic',
  request(baseUrl, key, call) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': key,
      'anthropic-version': call.headers.get('anthropic-version') ?? DEFAULT_VERSION,
    };
    const beta = call.headers.get('anthropic-beta');
    if (beta) headers['anthropic-beta'] = beta;
    return {
      url: joinUrl(baseUrl, call.endpoint),
      init: { method: 'POST', headers, body: JSON.stringify({ ...call.body, model: call.model }) },
    };
  },
  hub: {
    endpoint: 'messages',
    fromChat: (chat, upstreamModel) => chatToMessagesRequest(chat, upstreamModel),
    toChat: (json, model) => messageToChatResponse(json, model),
    streamToChat: (model, wantsUsage) => new MessagesStreamToChatWriter(model, wantsUsage),
  },
  probe: (model) => ({ endpoint: 'messages', body: { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] } }),
  usageOf(json) {
    const u = json.usage as Record<string, unknown> | undefined;
    return u ? anthropicUsage(u, null) : null;
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
