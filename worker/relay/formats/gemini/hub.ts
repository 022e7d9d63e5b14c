/**
 * Gemini API clients served by an OpenAI chat.completions upstream: request, response and stream
 * conversions. Pure functions and one state machine; no I/O.
 *
 * Request fields are read in camelCase or in the snake_case Google also accepts
 * (`system_instruction`, `inline_data`, `max_output_tokens`, …).
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { sse, type SseWriter } from '../../hub/sse';
import { geminiStreamError } from './errors';
import { type Obj, isObj, objs, str, tokenCount as count } from '../../../lib/json';

/** A field under its camelCase name or the snake_case one. */
function field(obj: Obj, camel: string): unknown {
  return obj[camel] ?? obj[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}
const objField = (obj: Obj, camel: string): Obj => {
  const v = field(obj, camel);
  return isObj(v) ? v : {};
};

/* ------------------------------------------------------------------ request */

/**
 * Gemini's OpenAPI-style schema as JSON Schema: upper-case types ("OBJECT") lower-cased, and
 * `nullable: true` folded into the type. Applied recursively; other keywords are kept.
 */
export function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'type' && Array.isArray(value))
      out.type = value.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
    else if (key !== 'nullable') out[key] = jsonSchemaOf(value);
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const AUDIO_FORMATS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mp3': 'mp3',
  'audio/mpeg': 'mp3',
};

/** Inline bytes as a chat content part: image_url, input_audio (wav/mp3), else a file part. */
function inlinePart(inline: Obj): Obj | null {
  const mime = str(field(inline, 'mimeType')) || 'application/octet-stream';
  const data = str(inline.data);
  if (!data) return null;
  if (mime.startsWith('image/')) return { type: 'image_url', image_url: { url: `data:${mime};base64,${data}` } };
  const audio = AUDIO_FORMATS[mime];
  if (audio) return { type: 'input_audio', input_audio: { data, format: audio } };
  const ext = mime.split('/')[1]?.split(/[;+]/)[0] || 'bin';
  return { type: 'file', file: { filename: `document.${ext}`, file_data: `data:${mime};base64,${data}` } };
}

/** A file by URI: chat can only reference images by URL; other files have no counterpart. */
function fileUriPart(file: Obj): Obj | null {
  const uri = str(field(file, 'fileUri'));
  const mime = str(field(file, 'mimeType'));
  if (!uri || (mime && !mime.startsWith('image/'))) return null;
  return { type: 'image_url', image_url: { url: uri } };
}

/** Pairs function calls with their responses: Gemini pairs them by order and name, chat by id. */
class CallIds {
  private next = 1;
  private readonly pending = new Map<string, string[]>();

  forCall(name: string, id: string): string {
    const callId = id || `call_${this.next++}`;
    this.pending.set(name, [...(this.pending.get(name) ?? []), callId]);
    return callId;
  }

  forResponse(name: string, id: string): string {
    const queue = this.pending.get(name) ?? [];
    const at = id ? queue.indexOf(id) : 0;
    if (at >= 0 && at < queue.length) return queue.splice(at, 1)[0];
    return id || `call_${this.next++}`;
  }
}

/** Chat content from parts: a plain string when all are text (widest upstream support). */
const chatContent = (parts: Obj[]): string | Obj[] =>
  parts.every((p) => p.type === 'text') ? parts.map((p) => str(p.text)).join('') : parts;

function userTurn(parts: Obj[], ids: CallIds, out: Obj[]): void {
  const content: Obj[] = [];
  for (const part of parts) {
    const response = field(part, 'functionResponse');
    if (isObj(response)) {
      const callId = ids.forResponse(str(response.name), str(response.id));
      out.push({ role: 'tool', tool_call_id: callId, content: JSON.stringify(response.response ?? {}) });
      continue;
    }
    const mapped = contentPart(part);
    if (mapped) content.push(mapped);
  }
  if (content.length > 0) out.push({ role: 'user', content: chatContent(content) });
}

function contentPart(part: Obj): Obj | null {
  if (typeof part.text === 'string' && part.thought !== true) return { type: 'text', text: part.text };
  const inline = field(part, 'inlineData');
  if (isObj(inline)) return inlinePart(inline);
  const file = field(part, 'fileData');
  if (isObj(file)) return fileUriPart(file);
  return null;
}

function modelTurn(parts: Obj[], ids: CallIds, out: Obj[]): void {
  const texts: string[] = [];
  const toolCalls: Obj[] = [];
  for (const part of parts) {
    const call = field(part, 'functionCall');
    if (isObj(call)) {
      const name = str(call.name);
      toolCalls.push({
        id: ids.forCall(name, str(call.id)),
        type: 'function',
        function: { name, arguments: JSON.stringify(call.args ?? {}) },
      });
    } else if (typeof part.text === 'string' && part.thought !== true) {
      texts.push(part.text); // thoughts of earlier turns have no chat counterpart
    }
  }
  if (texts.length === 0 && toolCalls.length === 0) return;
  const message: Obj = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  out.push(message);
}

function systemMessage(body: Obj): Obj | null {
  const text = objs(objField(body, 'systemInstruction').parts)
    .map((p) => str(p.text))
    .filter(Boolean)
    .join('\n');
  return text ? { role: 'system', content: text } : null;
}

function chatTools(body: Obj, allowed: string[] | undefined): Obj[] {
  const out: Obj[] = [];
  for (const tool of objs(body.tools)) {
    for (const decl of objs(field(tool, 'functionDeclarations'))) {
      const name = str(decl.name);
      if (allowed && !allowed.includes(name)) continue;
      const schema = field(decl, 'parametersJsonSchema') ?? jsonSchemaOf(decl.parameters);
      const fn: Obj = { name, parameters: isObj(schema) ? schema : { type: 'object', properties: {} } };
      if (typeof decl.description === 'string') fn.description = decl.description;
      out.push({ type: 'function', function: fn });
    }
    // googleSearch, codeExecution, urlContext, …: Google's own tools, no chat counterpart.
  }
  return out;
}

/**
 * toolConfig as tool_choice. ANY with allowedFunctionNames narrows the tools to those names (one
 * name becomes a named choice); VALIDATED reads as auto.
 */
function toolChoice(body: Obj): { choice?: unknown; allowed?: string[] } {
  const config = objField(objField(body, 'toolConfig'), 'functionCallingConfig');
  const names = field(config, 'allowedFunctionNames');
  const allowed =
    Array.isArray(names) && names.length > 0 ? names.filter((n): n is string => typeof n === 'string') : undefined;
  switch (config.mode) {
    case 'AUTO':
    case 'VALIDATED':
      return { choice: 'auto' };
    case 'NONE':
      return { choice: 'none' };
    case 'ANY':
      if (allowed?.length === 1) return { choice: { type: 'function', function: { name: allowed[0] } }, allowed };
      return { choice: 'required', allowed };
    default:
      return {};
  }
}

function responseFormat(config: Obj): Obj | undefined {
  if (str(field(config, 'responseMimeType')) !== 'application/json') return undefined;
  const schema = field(config, 'responseJsonSchema') ?? jsonSchemaOf(field(config, 'responseSchema'));
  if (!isObj(schema)) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: 'response', schema } };
}

function applyGenerationConfig(config: Obj, out: Obj): void {
  const copy: [string, string][] = [
    ['maxOutputTokens', 'max_tokens'],
    ['temperature', 'temperature'],
    ['topP', 'top_p'],
    ['candidateCount', 'n'],
    ['seed', 'seed'],
    ['presencePenalty', 'presence_penalty'],
    ['frequencyPenalty', 'frequency_penalty'],
  ];
  for (const [from, to] of copy) {
    const v = field(config, from);
    if (typeof v === 'number') out[to] = v;
  }
  const stop = field(config, 'stopSequences');
  if (Array.isArray(stop) && stop.length > 0) out.stop = stop.filter((s): s is string => typeof s === 'string');
  const format = responseFormat(config);
  if (format) out.response_format = format;
}

/** Gemini generateContent body -> OpenAI chat.completions body. */
export function geminiToChatRequest(
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
): Record<string, unknown> {
  const messages: Obj[] = [];
  const system = systemMessage(body);
  if (system) messages.push(system);
  const ids = new CallIds();
  for (const content of objs(body.contents)) {
    const parts = objs(content.parts);
    if (content.role === 'model') modelTurn(parts, ids, messages);
    else userTurn(parts, ids, messages);
  }

  const out: Obj = { model, messages };
  applyGenerationConfig(objField(body, 'generationConfig'), out);
  const { choice, allowed } = toolChoice(body);
  const tools = chatTools(body, allowed);
  if (tools.length > 0) {
    out.tools = tools;
    if (choice !== undefined) out.tool_choice = choice;
  }
  if (stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

/* ----------------------------------------------------------------- response */

const FINISH: Record<string, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool_calls: 'STOP',
  function_call: 'STOP',
  content_filter: 'SAFETY',
};
const finishReason = (finish: unknown): string => FINISH[str(finish)] ?? (finish ? 'OTHER' : 'STOP');

/** Gemini usageMetadata from chat usage; candidatesTokenCount excludes the thoughts, as Gemini counts. */
export function geminiUsageMetadata(usage: unknown): Obj {
  const u = isObj(usage) ? usage : {};
  const prompt = count(u.prompt_tokens);
  const completion = count(u.completion_tokens);
  const reasoning = Math.min(
    count(isObj(u.completion_tokens_details) ? u.completion_tokens_details.reasoning_tokens : 0),
    completion,
  );
  const cached = count(isObj(u.prompt_tokens_details) ? u.prompt_tokens_details.cached_tokens : 0);
  const out: Obj = {
    promptTokenCount: prompt,
    candidatesTokenCount: completion - reasoning,
    totalTokenCount: prompt + completion,
  };
  if (cached > 0) out.cachedContentTokenCount = cached;
  if (reasoning > 0) out.thoughtsTokenCount = reasoning;
  return out;
}

/**
 * A chat tool call as a functionCall part. Arguments that are not a JSON object (cut off, or
 * malformed) become `{}`: a Gemini client calls its function with the declared args object.
 */
function functionCallPart(call: Obj): Obj {
  const fn = objField(call, 'function');
  let args: unknown = {};
  try {
    args = JSON.parse(str(fn.arguments) || '{}');
  } catch {
    args = {};
  }
  const part: Obj = { name: str(fn.name), args: isObj(args) ? args : {} };
  if (str(call.id)) part.id = call.id;
  return { functionCall: part };
}

const messageText = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : objs(content)
        .map((p) => str(p.text))
        .join('');

function candidateOf(choice: Obj, position: number): Obj {
  const message = objField(choice, 'message');
  const parts: Obj[] = [];
  const reasoning = str(message.reasoning_content) || str(message.reasoning);
  if (reasoning) parts.push({ text: reasoning, thought: true });
  const text = messageText(message.content) || str(message.refusal);
  if (text) parts.push({ text });
  parts.push(...objs(message.tool_calls).map(functionCallPart));
  const index = typeof choice.index === 'number' ? choice.index : position;
  return { content: { role: 'model', parts }, finishReason: finishReason(choice.finish_reason), index };
}

/** OpenAI chat.completion -> Gemini GenerateContentResponse. modelVersion is the upstream's `model`. */
export function chatToGeminiResponse(json: Record<string, unknown>): Record<string, unknown> {
  return {
    candidates: objs(json.choices).map(candidateOf),
    usageMetadata: geminiUsageMetadata(json.usage),
    modelVersion: str(json.model),
    responseId: str(json.id) || crypto.randomUUID(),
  };
}

/* ------------------------------------------------------------------- stream */

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

/**
 * chat.completion.chunk events in, Gemini SSE chunks out. Text and thought deltas go out as they
 * come; function calls go out whole, in the last chunk, with the finish reasons and usage.
 */
export class ChatStreamToGeminiWriter implements SseWriter {
  private responseId = '';
  private done = false;
  /** Choice index -> its finish reason, once the upstream gave it. */
  private readonly finished = new Map<number, string>();
  /** Choice index -> chat tool_calls index -> the call being assembled. */
  private readonly calls = new Map<number, Map<number, PendingCall>>();
  private usage: unknown = null;

  constructor(private readonly model: string) {}

  write(event: EventSourceMessage, json: Obj | undefined): string {
    if (this.done) return '';
    if (event.data.trim() === '[DONE]') return this.close();
    if (!json) return '';
    if (isObj(json.error)) {
      this.done = true;
      return geminiStreamError(str(json.error.message) || 'upstream error');
    }
    if (!this.responseId && str(json.id)) this.responseId = str(json.id);
    if (isObj(json.usage)) this.usage = json.usage;
    let out = '';
    for (const choice of objs(json.choices)) out += this.choiceDelta(choice);
    // The usage chunk (include_usage) comes after every finish reason.
    if (isObj(json.usage) && this.finished.size > 0) out += this.close();
    return out;
  }

  private choiceDelta(choice: Obj): string {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    const delta = objField(choice, 'delta');
    const parts: Obj[] = [];
    const reasoning = str(delta.reasoning_content) || str(delta.reasoning);
    if (reasoning) parts.push({ text: reasoning, thought: true });
    const text = str(delta.content) || str(delta.refusal);
    if (text) parts.push({ text });
    for (const call of objs(delta.tool_calls)) this.collect(index, call);
    if (typeof choice.finish_reason === 'string') this.finished.set(index, choice.finish_reason);
    return parts.length > 0 ? this.chunk([{ content: { role: 'model', parts }, index }]) : '';
  }

  private collect(choiceIndex: number, call: Obj): void {
    const calls = this.calls.get(choiceIndex) ?? new Map<number, PendingCall>();
    this.calls.set(choiceIndex, calls);
    const key = typeof call.index === 'number' ? call.index : calls.size;
    const pending = calls.get(key) ?? { id: '', name: '', args: '' };
    calls.set(key, pending);
    const fn = objField(call, 'function');
    pending.id ||= str(call.id);
    pending.name += str(fn.name);
    pending.args += str(fn.arguments);
  }

  private chunk(candidates: Obj[], extra: Obj = {}): string {
    return sse(JSON.stringify({ candidates, ...extra, modelVersion: this.model, responseId: this.responseId }));
  }

  /** The last chunk: each choice's function calls and finish reason, and the usage. */
  private close(): string {
    if (this.done) return '';
    this.done = true;
    const indexes = new Set([...this.finished.keys(), ...this.calls.keys()]);
    if (indexes.size === 0) indexes.add(0);
    const candidates = [...indexes]
      .sort((a, b) => a - b)
      .map((index) => {
        const calls = [...(this.calls.get(index)?.entries() ?? [])].sort(([a], [b]) => a - b);
        const parts = calls.map(([, c]) =>
          functionCallPart({ id: c.id, function: { name: c.name, arguments: c.args } }),
        );
        return {
          content: { role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] },
          finishReason: finishReason(this.finished.get(index) ?? 'stop'),
          index,
        };
      });
    return this.chunk(candidates, { usageMetadata: geminiUsageMetadata(this.usage) });
  }

  end(): string {
    return this.close();
  }

  abort(message: string): string {
    if (this.done) return '';
    this.done = true;
    return geminiStreamError(message);
  }
}
