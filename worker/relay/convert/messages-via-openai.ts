import type { EventSourceMessage } from 'eventsource-parser';
import { anthropicStreamError, sse, type SseWriter } from './types';

/*
 * Anthropic Messages API clients served by an OpenAI chat.completions upstream.
 * Pure functions and a pure stream state machine; no I/O.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
const randomId = (): string => crypto.randomUUID().replace(/-/g, '').slice(0, 24);

/* ------------------------------------------------------------------ request */

/** Text of an Anthropic `system` (string or text blocks). */
function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  return objs(system)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n\n');
}

/** An Anthropic image/document source as a URL OpenAI accepts (data URL or http URL). */
function sourceUrl(source: unknown): string | undefined {
  if (!isObj(source)) return undefined;
  if (source.type === 'base64' && typeof source.data === 'string') {
    return `data:${str(source.media_type) ?? 'application/octet-stream'};base64,${source.data}`;
  }
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  return undefined;
}

/** One Anthropic user-side content block as an OpenAI content part (undefined when unmappable). */
function userPart(block: Obj): Obj | undefined {
  if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text };
  if (block.type === 'image') {
    const url = sourceUrl(block.source);
    return url ? { type: 'image_url', image_url: { url } } : undefined;
  }
  if (block.type === 'document' && isObj(block.source)) {
    const src = block.source;
    if (src.type === 'text' && typeof src.data === 'string') return { type: 'text', text: src.data };
    if (src.type === 'base64' && typeof src.data === 'string') {
      const name = str(block.title) ?? 'document.pdf';
      return { type: 'file', file: { filename: name, file_data: sourceUrl(src) } };
    }
  }
  return undefined;
}

/** OpenAI content from parts: a plain string when all parts are text (widest upstream support). */
function partsContent(parts: Obj[]): string | Obj[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => p.text as string).join('\n');
  return parts;
}

/** A tool_result's content: text for the `tool` message, plus images that must ride in a user turn. */
function toolResultContent(content: unknown): { text: string; images: Obj[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  const texts: string[] = [];
  const images: Obj[] = [];
  for (const b of objs(content)) {
    const part = userPart(b);
    if (!part) continue;
    if (part.type === 'text') texts.push(part.text as string);
    else images.push(part);
  }
  return { text: texts.join('\n'), images };
}

function convertUser(content: unknown, out: Obj[]): void {
  if (typeof content === 'string') {
    out.push({ role: 'user', content });
    return;
  }
  const parts: Obj[] = [];
  for (const block of objs(content)) {
    if (block.type === 'tool_result') {
      const { text, images } = toolResultContent(block.content);
      out.push({ role: 'tool', tool_call_id: str(block.tool_use_id) ?? '', content: text });
      parts.push(...images); // a tool message carries text only
      continue;
    }
    const part = userPart(block);
    if (part) parts.push(part);
  }
  if (parts.length > 0) out.push({ role: 'user', content: partsContent(parts) });
}

function convertAssistant(content: unknown, out: Obj[]): void {
  if (typeof content === 'string') {
    out.push({ role: 'assistant', content });
    return;
  }
  const texts: string[] = [];
  const toolCalls: Obj[] = [];
  for (const block of objs(content)) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: str(block.id) ?? `call_${randomId()}`,
        type: 'function',
        function: { name: str(block.name) ?? '', arguments: JSON.stringify(block.input ?? {}) },
      });
    }
    // thinking / redacted_thinking / server tool blocks have no chat.completions counterpart
  }
  const msg: Obj = { role: 'assistant', content: texts.length > 0 ? texts.join('\n') : null };
  if (toolCalls.length > 0) msg.tool_calls = toolCalls;
  if (msg.content === null && toolCalls.length === 0) msg.content = '';
  out.push(msg);
}

function convertTools(tools: unknown): Obj[] {
  const out: Obj[] = [];
  for (const t of objs(tools)) {
    // Anthropic server tools (web_search_*, bash_*, ...) carry no input_schema: nothing to call.
    if (!isObj(t.input_schema) || typeof t.name !== 'string') continue;
    const fn: Obj = { name: t.name };
    if (typeof t.description === 'string') fn.description = t.description;
    fn.parameters = t.input_schema;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

function convertToolChoice(choice: Obj): unknown {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return typeof choice.name === 'string' ? { type: 'function', function: { name: choice.name } } : 'required';
    default:
      return undefined;
  }
}

/** Anthropic Messages request body -> OpenAI chat.completions request body. */
export function messagesToChatRequest(body: Record<string, unknown>, upstreamModel: string): Record<string, unknown> {
  const messages: Obj[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const m of objs(body.messages)) {
    if (m.role === 'assistant') convertAssistant(m.content, messages);
    else convertUser(m.content, messages);
  }

  const out: Obj = { model: upstreamModel, messages };
  if (typeof body.max_tokens === 'number') out.max_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) {
    out.stop = body.stop_sequences.filter((s): s is string => typeof s === 'string');
  }
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  if (isObj(body.metadata) && typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;

  const tools = convertTools(body.tools);
  if (tools.length > 0) {
    out.tools = tools;
    if (isObj(body.tool_choice)) {
      const choice = convertToolChoice(body.tool_choice);
      if (choice !== undefined) out.tool_choice = choice;
      if (body.tool_choice.disable_parallel_tool_use === true && body.tool_choice.type !== 'none') {
        out.parallel_tool_calls = false;
      }
    }
  }
  return out;
}

/* ----------------------------------------------------------------- response */

function messageId(upstreamId: unknown): string {
  const id = typeof upstreamId === 'string' ? upstreamId.replace(/^chatcmpl-/, '') : '';
  return `msg_${id || randomId()}`;
}

function stopReason(finish: unknown, sawToolUse: boolean): string {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      // Some upstreams answer tool calls with finish_reason "stop"; the client loops on tool_use.
      return sawToolUse ? 'tool_use' : 'end_turn';
  }
}

/** Anthropic usage from OpenAI usage: input_tokens excludes the cached part. */
function anthropicUsage(u: unknown): Obj {
  const usage = isObj(u) ? u : {};
  const details = isObj(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const prompt = count(usage.prompt_tokens);
  const cached = Math.min(count(details.cached_tokens), prompt);
  const out: Obj = { input_tokens: prompt - cached, output_tokens: count(usage.completion_tokens) };
  if (cached > 0) out.cache_read_input_tokens = cached;
  return out;
}

function parseArguments(args: unknown): Obj {
  if (isObj(args)) return args;
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isObj(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Message text, whether a string or (from some upstreams) an array of text parts. */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  return objs(content)
    .map((p) => str(p.text) ?? '')
    .join('');
}

/** OpenAI chat.completion response -> Anthropic Messages response ("type":"message"). */
export function chatResponseToMessage(json: Record<string, unknown>, requestedModel: string): Record<string, unknown> {
  const choices = objs(json.choices);
  const choice = choices.find((c) => c.index === 0 || c.index === undefined) ?? choices[0] ?? {};
  const message = isObj(choice.message) ? choice.message : {};

  const content: Obj[] = [];
  const text = messageText(message.content) || (str(message.refusal) ?? '');
  if (text) content.push({ type: 'text', text });
  for (const call of objs(message.tool_calls)) {
    const fn = isObj(call.function) ? call.function : {};
    content.push({
      type: 'tool_use',
      id: str(call.id) || `toolu_${randomId()}`,
      name: str(fn.name) ?? '',
      input: parseArguments(fn.arguments),
    });
  }
  if (isObj(message.function_call)) {
    content.push({
      type: 'tool_use',
      id: `toolu_${randomId()}`,
      name: str(message.function_call.name) ?? '',
      input: parseArguments(message.function_call.arguments),
    });
  }

  return {
    id: messageId(json.id),
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: stopReason(choice.finish_reason, content.some((b) => b.type === 'tool_use')),
    stop_sequence: null,
    usage: anthropicUsage(json.usage),
  };
}

/* ------------------------------------------------------------------- stream */

interface ToolBlock {
  /** The upstream's tool call index (or -1 for a legacy function_call). */
  key: number;
  id: string;
  name: string;
  /** Argument fragments seen before the block could start (no name yet). */
  pending: string;
  started: boolean;
}

/** Streams: OpenAI chat.completion.chunk SSE events -> Anthropic Messages SSE events. */
export class ChatStreamToMessagesWriter implements SseWriter {
  private started = false;
  private finished = false;
  /** Index the next content block gets. */
  private nextIndex = 0;
  /** The open block: text, or a tool call (possibly not yet started). */
  private open: { kind: 'text' } | { kind: 'tool'; tool: ToolBlock } | null = null;
  private finishReason: unknown = null;
  private usage: unknown = null;
  private sawToolUse = false;

  constructor(private readonly requestedModel: string) {}

  write(event: EventSourceMessage, json: Record<string, unknown> | undefined): string {
    if (this.finished) return '';
    if (event.data.trim() === '[DONE]') return this.finish();
    if (!json) return ''; // comments never reach here; other non-JSON data is ignored

    if (isObj(json.error)) return this.fail(json.error);

    let out = '';
    if (!this.started) out += this.start(json.id);

    if (isObj(json.usage)) this.usage = json.usage;
    const choices = objs(json.choices);
    for (const choice of choices) {
      if (typeof choice.index === 'number' && choice.index !== 0) continue; // n > 1 is not representable
      const delta = isObj(choice.delta) ? choice.delta : {};
      const text = str(delta.content) || str(delta.refusal);
      if (text) out += this.text(text);
      for (const call of objs(delta.tool_calls)) out += this.toolDelta(call);
      if (isObj(delta.function_call)) out += this.toolDelta({ index: -1, function: delta.function_call });
      if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    }

    // The usage-only chunk (include_usage) comes last; [DONE] may or may not follow.
    if (choices.length === 0 && isObj(json.usage)) out += this.finish();
    return out;
  }

  end(): string {
    return this.finished ? '' : this.finish();
  }

  abort(message: string): string {
    if (this.finished) return '';
    this.finished = true;
    return anthropicStreamError(message);
  }

  private emit(obj: Obj): string {
    return sse(JSON.stringify(obj), obj.type as string);
  }

  private start(upstreamId: unknown): string {
    this.started = true;
    return this.emit({
      type: 'message_start',
      message: {
        id: messageId(upstreamId),
        type: 'message',
        role: 'assistant',
        model: this.requestedModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  /** Closes the open block (starting a tool block first if it never got its name). */
  private closeBlock(): string {
    const open = this.open;
    if (!open) return '';
    let out = '';
    if (open.kind === 'tool' && !open.tool.started) out += this.startTool(open.tool);
    this.open = null;
    return out + this.emit({ type: 'content_block_stop', index: this.nextIndex - 1 });
  }

  private text(text: string): string {
    let out = '';
    if (this.open?.kind !== 'text') {
      out += this.closeBlock();
      out += this.emit({ type: 'content_block_start', index: this.nextIndex, content_block: { type: 'text', text: '' } });
      this.nextIndex++;
      this.open = { kind: 'text' };
    }
    return out + this.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'text_delta', text } });
  }

  private startTool(tool: ToolBlock): string {
    tool.started = true;
    this.sawToolUse = true;
    let out = this.emit({
      type: 'content_block_start',
      index: this.nextIndex,
      content_block: { type: 'tool_use', id: tool.id || `toolu_${randomId()}`, name: tool.name, input: {} },
    });
    this.nextIndex++;
    if (tool.pending) out += this.argsDelta(tool.pending);
    tool.pending = '';
    return out;
  }

  private argsDelta(partial: string): string {
    return this.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'input_json_delta', partial_json: partial } });
  }

  private toolDelta(call: Obj): string {
    const fn = isObj(call.function) ? call.function : {};
    const id = str(call.id);
    const current = this.open?.kind === 'tool' ? this.open.tool : null;
    let key: number;
    if (typeof call.index === 'number') key = call.index;
    else if (current && (!id || id === current.id)) key = current.key; // upstreams that omit index
    else key = (current?.key ?? -1) + 1;

    let out = '';
    let tool = current;
    if (!tool || tool.key !== key || (id && tool.id && id !== tool.id)) {
      // A new call. (A fragment for an already closed call cannot be reopened in Anthropic's format.)
      out += this.closeBlock();
      tool = { key, id: id ?? '', name: '', pending: '', started: false };
      this.open = { kind: 'tool', tool };
    }
    if (id && !tool.id) tool.id = id;
    const name = str(fn.name);
    if (name && !tool.started) tool.name += name;
    const args = str(fn.arguments) ?? '';

    if (!tool.started && tool.name) out += this.startTool(tool);
    if (!args) return out;
    if (tool.started) return out + this.argsDelta(args);
    tool.pending += args;
    return out;
  }

  private finish(): string {
    let out = '';
    if (!this.started) out += this.start(undefined);
    out += this.closeBlock();
    this.finished = true;
    out += this.emit({
      type: 'message_delta',
      delta: { stop_reason: stopReason(this.finishReason, this.sawToolUse), stop_sequence: null },
      usage: this.deltaUsage(),
    });
    return out + this.emit({ type: 'message_stop' });
  }

  private deltaUsage(): Obj {
    const u = anthropicUsage(this.usage);
    const out: Obj = { output_tokens: u.output_tokens, input_tokens: u.input_tokens };
    if (u.cache_read_input_tokens !== undefined) out.cache_read_input_tokens = u.cache_read_input_tokens;
    return out;
  }

  /** An upstream error chunk mid-stream: Anthropic's `error` event ends the stream. */
  private fail(error: Obj): string {
    this.finished = true;
    const message = str(error.message) ?? 'upstream error';
    return this.emit({ type: 'error', error: { type: 'api_error', message } });
  }
}
