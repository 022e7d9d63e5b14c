/**
 * OpenAI chat completions served by a Gemini upstream: request, response and stream conversions.
 * Pure functions and one state machine; no I/O. The Gemini body carries neither model nor stream:
 * the URL does.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { geminiUsage } from './usage';
import { sse, type SseWriter } from '../../hub/sse';
import { ChatChunks } from '../../hub/chat-chunks';
import { openAiStreamError } from '../../formats/chat/errors';
import { type Obj, isObj, objs, str, tokenCount as count } from '../../../lib/json';

const randomId = (): string => crypto.randomUUID().replace(/-/g, '').slice(0, 24);

/**
 * Gemini 3 rejects a replayed functionCall part without the thought signature it was answered
 * with; chat clients never carry one. Google documents this value as the way to skip the check.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/* ------------------------------------------------------------------ request */

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};

function imagePart(part: Obj): Obj | null {
  const image = part.image_url;
  const url = isObj(image) ? str(image.url) : str(image);
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
  if (!/^https?:\/\//i.test(url)) return null;
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return { fileData: { mimeType: IMAGE_TYPES[ext] ?? 'image/*', fileUri: url } };
}

/** One chat content part as a Gemini part (null when it has no counterpart, e.g. a file_id). */
function geminiPart(part: Obj): Obj | null {
  switch (part.type) {
    case 'text':
      return { text: str(part.text) };
    case 'refusal':
      return { text: str(part.refusal) };
    case 'image_url':
      return imagePart(part);
    case 'input_audio': {
      const audio = isObj(part.input_audio) ? part.input_audio : {};
      return { inlineData: { mimeType: `audio/${str(audio.format) || 'wav'}`, data: str(audio.data) } };
    }
    case 'file': {
      const file = isObj(part.file) ? part.file : {};
      const data = /^data:([^;,]+);base64,(.*)$/s.exec(str(file.file_data));
      return data ? { inlineData: { mimeType: data[1], data: data[2] } } : null;
    }
    default:
      return null;
  }
}

function contentParts(content: unknown): Obj[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return objs(content)
    .map(geminiPart)
    .filter((p): p is Obj => p !== null);
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : objs(content)
        .map((p) => str(p.text))
        .join('');

/** Gemini wants alternating turns: consecutive contents of one role become one. */
function pushContent(contents: { role: string; parts: Obj[] }[], role: string, parts: Obj[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts: [...parts] });
}

function functionCallParts(toolCalls: unknown, names: Map<string, string>): Obj[] {
  return objs(toolCalls).map((call) => {
    const fn = isObj(call.function) ? call.function : {};
    const name = str(fn.name);
    names.set(str(call.id), name);
    const args = parseJson(str(fn.arguments) || '{}');
    return { functionCall: { name, args: isObj(args) ? args : {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE };
  });
}

/** A tool message's content as a functionResponse: the JSON object it holds, else `{result: text}`. */
function functionResponsePart(message: Obj, names: Map<string, string>): Obj {
  const text = textOf(message.content);
  const parsed = parseJson(text);
  const response = isObj(parsed) ? parsed : { result: text };
  return { functionResponse: { name: names.get(str(message.tool_call_id)) ?? '', response } };
}

function geminiContents(messages: unknown): { system: Obj[]; contents: { role: string; parts: Obj[] }[] } {
  const system: Obj[] = [];
  const contents: { role: string; parts: Obj[] }[] = [];
  const names = new Map<string, string>(); // tool call id -> function name
  for (const m of objs(messages)) {
    if (m.role === 'system' || m.role === 'developer') {
      const text = textOf(m.content);
      if (text) system.push({ text });
    } else if (m.role === 'assistant') {
      const text = textOf(m.content) || str(m.refusal);
      pushContent(contents, 'model', [...(text ? [{ text }] : []), ...functionCallParts(m.tool_calls, names)]);
    } else if (m.role === 'tool') {
      pushContent(contents, 'user', [functionResponsePart(m, names)]);
    } else {
      pushContent(contents, 'user', contentParts(m.content));
    }
  }
  return { system, contents };
}

function functionDeclarations(tools: unknown): Obj[] {
  const out: Obj[] = [];
  for (const tool of objs(tools)) {
    if (tool.type !== 'function' || !isObj(tool.function)) continue; // custom and built-in tools have no counterpart
    const fn = tool.function;
    const decl: Obj = { name: str(fn.name) };
    if (typeof fn.description === 'string') decl.description = fn.description;
    // parametersJsonSchema takes full JSON Schema; `parameters` rejects e.g. additionalProperties.
    if (isObj(fn.parameters)) decl.parametersJsonSchema = fn.parameters;
    out.push(decl);
  }
  return out;
}

function toolConfig(choice: unknown): Obj | undefined {
  const config = (mode: string, names?: string[]) => ({
    functionCallingConfig: names ? { mode, allowedFunctionNames: names } : { mode },
  });
  if (choice === 'auto') return config('AUTO');
  if (choice === 'required') return config('ANY');
  if (choice === 'none') return config('NONE');
  if (!isObj(choice)) return undefined;
  if (choice.type === 'function' && isObj(choice.function)) return config('ANY', [str(choice.function.name)]);
  if (choice.type === 'allowed_tools' && isObj(choice.allowed_tools)) {
    const names = objs(choice.allowed_tools.tools)
      .map((t) => str(isObj(t.function) ? t.function.name : t.name))
      .filter(Boolean);
    return config(choice.allowed_tools.mode === 'required' ? 'ANY' : 'AUTO', names);
  }
  return undefined;
}

/** reasoning_effort as a thinking budget, after Google's own OpenAI-compatibility table. */
const THINKING_BUDGET: Record<string, number> = {
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

function thinkingConfig(effort: unknown): Obj | undefined {
  const budget = THINKING_BUDGET[str(effort)];
  if (budget === undefined) return undefined;
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}

function generationConfig(body: Obj): Obj {
  const config: Obj = {};
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max === 'number') config.maxOutputTokens = max;
  const copy: [string, string][] = [
    ['temperature', 'temperature'],
    ['top_p', 'topP'],
    ['n', 'candidateCount'],
    ['seed', 'seed'],
    ['presence_penalty', 'presencePenalty'],
    ['frequency_penalty', 'frequencyPenalty'],
  ];
  for (const [from, to] of copy) if (typeof body[from] === 'number') config[to] = body[from];
  if (typeof body.stop === 'string') config.stopSequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0)
    config.stopSequences = body.stop.filter((s) => typeof s === 'string');
  const format = isObj(body.response_format) ? body.response_format : {};
  if (format.type === 'json_object' || format.type === 'json_schema') config.responseMimeType = 'application/json';
  if (format.type === 'json_schema' && isObj(format.json_schema) && isObj(format.json_schema.schema))
    config.responseJsonSchema = format.json_schema.schema;
  const thinking = thinkingConfig(body.reasoning_effort);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/** OpenAI chat.completions body -> Gemini generateContent body. */
export function chatToGeminiRequest(body: Record<string, unknown>): Record<string, unknown> {
  const { system, contents } = geminiContents(body.messages);
  const out: Obj = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };
  const declarations = functionDeclarations(body.tools);
  if (declarations.length > 0) {
    out.tools = [{ functionDeclarations: declarations }];
    const config = toolConfig(body.tool_choice);
    if (config) out.toolConfig = config;
  }
  const generation = generationConfig(body);
  if (Object.keys(generation).length > 0) out.generationConfig = generation;
  return out;
}

/* ----------------------------------------------------------------- response */

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

function finishReason(reason: unknown, sawToolCalls: boolean): string {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(str(reason))) return 'content_filter';
  return sawToolCalls ? 'tool_calls' : 'stop';
}

/** Chat usage from usageMetadata: completion counts the thoughts, prompt the tool-use prompt (as billed). */
export function chatUsageOf(meta: unknown): Obj {
  const m = isObj(meta) ? meta : {};
  const u = geminiUsage(m);
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
    completion_tokens_details: { reasoning_tokens: count(m.thoughtsTokenCount) },
  };
}

const toolCallOf = (call: Obj): Obj => ({
  id: str(call.id) || `call_${randomId()}`,
  type: 'function',
  function: { name: str(call.name), arguments: JSON.stringify(call.args ?? {}) },
});

function choiceOf(candidate: Obj, position: number): Obj {
  const parts = objs(isObj(candidate.content) ? candidate.content.parts : undefined);
  const text = parts
    .filter((p) => p.thought !== true)
    .map((p) => str(p.text))
    .join('');
  const reasoning = parts
    .filter((p) => p.thought === true)
    .map((p) => str(p.text))
    .join('');
  const toolCalls = parts.flatMap((p) => (isObj(p.functionCall) ? [toolCallOf(p.functionCall)] : []));
  const message: Obj = { role: 'assistant', content: text || (toolCalls.length > 0 ? null : ''), refusal: null };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const index = typeof candidate.index === 'number' ? candidate.index : position;
  return { index, message, logprobs: null, finish_reason: finishReason(candidate.finishReason, toolCalls.length > 0) };
}

/** A prompt Gemini blocked answers no candidates, only promptFeedback.blockReason. */
const blockedChoice = (): Obj => ({
  index: 0,
  message: { role: 'assistant', content: '', refusal: null },
  logprobs: null,
  finish_reason: 'content_filter',
});

/** Gemini GenerateContentResponse -> OpenAI chat.completion. */
export function geminiToChatResponse(json: Record<string, unknown>, model: string): Record<string, unknown> {
  const candidates = objs(json.candidates);
  const blocked = candidates.length === 0 && isObj(json.promptFeedback) && !!json.promptFeedback.blockReason;
  return {
    id: `chatcmpl-${str(json.responseId) || randomId()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: blocked ? [blockedChoice()] : candidates.map(choiceOf),
    usage: chatUsageOf(json.usageMetadata),
  };
}

/* ------------------------------------------------------------------- stream */

/** Gemini SSE chunks (each a GenerateContentResponse) in, OpenAI chat.completion.chunk events out. */
export class GeminiStreamToChatWriter implements SseWriter {
  private readonly chunks: ChatChunks;
  private started = false;
  private done = false;
  private usage: unknown = null;
  /** Candidate index -> how many tool calls it streamed so far. */
  private readonly toolCounts = new Map<number, number>();
  private readonly finished = new Set<number>();

  constructor(model: string, clientWantsUsage: boolean) {
    this.chunks = new ChatChunks(model, clientWantsUsage, `chatcmpl-${randomId()}`);
  }

  private chunk(index: number, delta: Obj, finish: string | null = null): string {
    return this.chunks.delta(index, delta, finish);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk(0, { role: 'assistant', content: '' });
  }

  write(_event: EventSourceMessage, json: Obj | undefined): string {
    if (!json || this.done) return '';
    if (isObj(json.error)) {
      this.done = true;
      return sse(
        JSON.stringify({
          error: {
            message: str(json.error.message) || 'upstream error',
            type: str(json.error.status) || 'upstream_error',
            code: json.error.code ?? null,
          },
        }),
      );
    }
    if (!this.started && str(json.responseId)) this.chunks.id = `chatcmpl-${str(json.responseId)}`;
    if (isObj(json.usageMetadata)) this.usage = json.usageMetadata;
    let out = this.start();
    const candidates = objs(json.candidates);
    candidates.forEach((candidate, position) => {
      out += this.candidate(candidate, position);
    });
    if (candidates.length === 0 && isObj(json.promptFeedback) && json.promptFeedback.blockReason)
      out += this.finish(0, 'content_filter');
    return out;
  }

  private candidate(candidate: Obj, position: number): string {
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    let out = '';
    for (const part of objs(isObj(candidate.content) ? candidate.content.parts : undefined))
      out += this.part(index, part);
    if (typeof candidate.finishReason === 'string')
      out += this.finish(index, finishReason(candidate.finishReason, this.toolCounts.has(index)));
    return out;
  }

  private part(index: number, part: Obj): string {
    if (isObj(part.functionCall)) {
      const toolIndex = this.toolCounts.get(index) ?? 0;
      this.toolCounts.set(index, toolIndex + 1);
      return this.chunk(index, { tool_calls: [{ index: toolIndex, ...toolCallOf(part.functionCall) }] });
    }
    const text = str(part.text);
    if (!text) return '';
    return this.chunk(index, part.thought === true ? { reasoning_content: text } : { content: text });
  }

  private finish(index: number, reason: string): string {
    if (this.finished.has(index)) return '';
    this.finished.add(index);
    return this.chunk(index, {}, reason);
  }

  end(): string {
    if (this.done) return '';
    this.done = true;
    let out = this.start();
    if (this.finished.size === 0) out += this.finish(0, finishReason('STOP', this.toolCounts.has(0)));
    return out + this.chunks.close(this.usage ? chatUsageOf(this.usage) : null);
  }

  abort(message: string): string {
    if (this.done) return '';
    this.done = true;
    return openAiStreamError(message);
  }
}
