/**
 * Google's Gemini API (generateContent / streamGenerateContent?alt=sse): the model is in the
 * URL, the key in `x-goog-api-key`, usage in `usageMetadata`. A dead key is a 400 whose
 * structured reason says so (API_KEY_INVALID), which no request body can make it say.
 */
import { geminiUsage, readGeminiChunk } from './usage';
import type { Provider } from '../types';
import { chatToGeminiRequest, geminiToChatResponse, GeminiStreamToChatWriter } from './hub';
import { type Obj, isObj, objs } from '../../../lib/json';

/** `base_url` is the API origin (optionally with a path prefix); a trailing /v1beta or /v1 is tolerated. */
export function geminiUrl(baseUrl: string, model: string, stream: boolean): string {
  const base = baseUrl.replace(/\/+$/, '').replace(/\/v1(beta)?$/, '');
  return `${base}/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
}

const DEAD_KEY_REASONS = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'SERVICE_DISABLED',
  'BILLING_DISABLED',
  'CONSUMER_SUSPENDED',
]);

/** The ErrorInfo reasons of a Google API error body. */
function errorReasons(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = isObj(parsed) && isObj(parsed.error) ? parsed.error : {};
    return objs(error.details)
      .map((d) => (typeof d.reason === 'string' ? d.reason : ''))
      .filter(Boolean);
  } catch {
    return [];
  }
}

export const gemini: Provider = {
  type: 'gemini',
  serves: { gemini: 'native', chat: 'hub', messages: 'hub', responses: 'hub' },
  passHeaders: [],
  request(baseUrl, key, call) {
    const { model: _model, stream: _stream, ...body } = call.body;
    return {
      url: geminiUrl(baseUrl, call.model, call.stream),
      init: {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-goog-api-key': key,
          accept: call.stream ? 'text/event-stream' : 'application/json',
        },
        body: JSON.stringify(body),
      },
    };
  },
  hub: {
    endpoint: 'gemini',
    fromChat: (chat) => chatToGeminiRequest(chat),
    toChat: (json, model) => geminiToChatResponse(json, model),
    streamToChat: (model, wantsUsage) => new GeminiStreamToChatWriter(model, wantsUsage),
  },
  probe: () => ({
    endpoint: 'gemini',
    body: { contents: [{ role: 'user', parts: [{ text: 'ping' }] }], generationConfig: { maxOutputTokens: 1 } },
  }),
  streamReader: () => readGeminiChunk,
  usageOf(json) {
    return isObj(json.usageMetadata) ? geminiUsage(json.usageMetadata) : null;
  },
  completionParts(json) {
    const parts: string[] = [];
    for (const candidate of objs(json.candidates)) {
      const content = isObj(candidate.content) ? candidate.content : {};
      for (const p of objs(content.parts)) {
        if (typeof p.text === 'string' && p.text) parts.push(p.text);
        if (isObj(p.functionCall)) {
          if (typeof p.functionCall.name === 'string') parts.push(p.functionCall.name);
          parts.push(JSON.stringify(p.functionCall.args ?? {}));
        }
      }
    }
    return parts;
  },
  classify(status, body) {
    if (status === 400 && errorReasons(body).some((r) => DEAD_KEY_REASONS.has(r)))
      return { passBack: false, counts: true, keyDead: true };
    return null;
  },
};
