import { openAiUsage, responsesUsage } from './usage';
import { joinUrl, type Provider } from '../types';

export const openai: Provider = {
  type: 'openai',
  streamFormat: 'openai',
  request(baseUrl, key, call) {
    const body: Record<string, unknown> = { ...call.body, model: call.model };
    if (call.stream && call.endpoint !== 'embeddings' && call.endpoint !== 'responses') {
      // Always ask for usage; the stream tap removes it again if the client did not ask.
      const asked = (call.body.stream_options as Record<string, unknown> | undefined) ?? {};
      body.stream_options = { ...asked, include_usage: true };
    }
    return {
      url: joinUrl(baseUrl, call.endpoint),
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, accept: call.stream ? 'text/event-stream' : 'application/json' },
        body: JSON.stringify(body),
      },
    };
  },
  hub: { endpoint: 'chat', fromChat: (chat) => chat, toChat: (json) => json, streamToChat: () => null },
  probe: (model) => ({ endpoint: 'chat', body: { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] } }),
  usageOf(json) {
    const u = json.usage as Record<string, unknown> | undefined;
    if (!u) return null;
    return json.object === 'response' || 'input_tokens' in u ? responsesUsage(u) : openAiUsage(u);
  },
  completionParts(json) {
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
    for (const item of Array.isArray(json.output) ? (json.output as Record<string, unknown>[]) : []) responseItemParts(item, add);
    return parts;
  },
};

/** The text of one Responses output item: message parts, reasoning summaries, a function call's name and arguments. */
function responseItemParts(item: Record<string, unknown>, add: (v: unknown) => void): void {
  if (item.type === 'function_call') {
    add(item.name);
    add(item.arguments);
    return;
  }
  const parts = [...(Array.isArray(item.content) ? item.content : []), ...(Array.isArray(item.summary) ? item.summary : [])] as Record<string, unknown>[];
  for (const p of parts) {
    add(p.text);
    add(p.refusal);
  }
}
