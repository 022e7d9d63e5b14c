/**
 * OpenAI chat completions served by an Anthropic Messages upstream: request, response and
 * stream conversions. Pure functions and one state machine, tested directly.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { usageFromAnthropic } from './usage';
import type { Usage } from '../../../billing/charge';
import { sse, type SseWriter } from '../../hub/sse';
import { ChatChunks } from '../../hub/chat-chunks';
import { openAiStreamError } from '../../formats/chat/errors';
import { type Obj, isObj, str } from '../../../lib/json';
import { HOSTED_CHAT_TOOL } from '../../formats/responses/tools';

type Block = Obj;

/** Anthropic requires max_tokens; a chat request may leave it out. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

function parseJsonObject(text: unknown): Obj {
  if (typeof text !== 'string' || !text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    return isObj(v) ? v : {};
  } catch {
    return {};
  }
}

function imageBlock(part: Obj): Block | null {
  const image = part.image_url;
  const url = isObj(image) ? str(image.url) : str(image);
  if (!url) return null;
  const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

/** A chat message's content as Anthropic blocks. */
function contentBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  const blocks: Block[] = [];
  for (const part of content) {
    if (!isObj(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') blocks.push({ type: 'text', text: part.text });
    else if (part.type === 'image_url') {
      const img = imageBlock(part);
      if (img) blocks.push(img);
    }
  }
  return blocks;
}

function toolUseBlocks(toolCalls: unknown): Block[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isObj).map((call) => {
    const fn = isObj(call.function) ? call.function : {};
    return { type: 'tool_use', id: str(call.id), name: str(fn.name), input: parseJsonObject(fn.arguments) };
  });
}

/** Anthropic wants alternating turns: consecutive messages of one role become one message. */
function pushTurn(turns: { role: string; content: Block[] }[], role: string, blocks: Block[]): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: [...blocks] });
}

/** The hosted tools Anthropic runs itself: web search, as its server tool. */
export const offersHosted = (type: string) => type.startsWith('web_search');

function serverTool(t: Obj): Obj {
  return {
    type: 'web_search_20250305',
    name: 'web_search',
    ...(typeof t.max_uses === 'number' ? { max_uses: t.max_uses } : {}),
  };
}

function convertTools(tools: unknown): Obj[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.filter(isObj).map((t) => {
    if (t.type === HOSTED_CHAT_TOOL) return serverTool(t);
    const fn = isObj(t.function) ? t.function : t;
    const out: Obj = {
      name: str(fn.name),
      input_schema: isObj(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    };
    if (typeof fn.description === 'string') out.description = fn.description;
    return out;
  });
}

function convertToolChoice(choice: unknown): Obj | undefined {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isObj(choice) && isObj(choice.function)) return { type: 'tool', name: str(choice.function.name) };
  return undefined;
}

export function chatToMessagesRequest(body: Obj, upstreamModel: string): Obj {
  const system: string[] = [];
  const turns: { role: string; content: Block[] }[] = [];
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObj(m)) continue;
    const role = str(m.role);
    if (role === 'system' || role === 'developer') {
      const text = contentBlocks(m.content)
        .map((b) => str(b.text))
        .join('\n');
      if (text) system.push(text);
    } else if (role === 'tool') {
      const result = typeof m.content === 'string' ? m.content : contentBlocks(m.content);
      pushTurn(turns, 'user', [{ type: 'tool_result', tool_use_id: str(m.tool_call_id), content: result }]);
    } else if (role === 'assistant') {
      pushTurn(turns, 'assistant', [...contentBlocks(m.content), ...toolUseBlocks(m.tool_calls)]);
    } else {
      pushTurn(turns, 'user', contentBlocks(m.content));
    }
  }
  const out: Obj = {
    model: upstreamModel,
    messages: turns,
    max_tokens: (body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS) as number,
  };
  if (system.length) out.system = system.join('\n\n');
  if (typeof body.temperature === 'number') out.temperature = Math.min(1, body.temperature);
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  const stop = body.stop;
  if (typeof stop === 'string') out.stop_sequences = [stop];
  else if (Array.isArray(stop)) out.stop_sequences = stop.filter((s) => typeof s === 'string');
  const tools = convertTools(body.tools);
  if (tools?.length) out.tools = tools;
  const toolChoice = convertToolChoice(body.tool_choice);
  if (toolChoice && tools?.length) out.tool_choice = toolChoice;
  if (body.stream === true) out.stream = true;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  return out;
}

const FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'stop',
};
export const finishReason = (stop: unknown) => FINISH[str(stop)] ?? 'stop';

export function chatUsage(u: Usage): Obj {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
  };
}

export function messageToChatResponse(json: Obj, requestedModel: string): Obj {
  const blocks = Array.isArray(json.content) ? json.content.filter(isObj) : [];
  const text = blocks
    .filter((b) => b.type === 'text')
    .map((b) => str(b.text))
    .join('');
  const toolCalls = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: str(b.id),
      type: 'function',
      function: { name: str(b.name), arguments: JSON.stringify(b.input ?? {}) },
    }));
  const message: Obj = { role: 'assistant', content: text || (toolCalls.length ? null : ''), refusal: null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  const usage = isObj(json.usage)
    ? usageFromAnthropic(json.usage, null)
    : { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  return {
    id: `chatcmpl-${str(json.id).replace(/^msg_/, '') || crypto.randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: requestedModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(json.stop_reason) }],
    usage: chatUsage(usage),
  };
}

/** Anthropic stream events in, OpenAI chat.completion.chunk events out. */
export class MessagesStreamToChatWriter implements SseWriter {
  private readonly chunks: ChatChunks;
  private usage: Usage | null = null;
  private started = false;
  private finished = false;
  private done = false;
  /** Anthropic content-block index -> OpenAI tool_calls index. */
  private readonly toolIndex = new Map<number, number>();

  constructor(model: string, clientWantsUsage: boolean) {
    this.chunks = new ChatChunks(model, clientWantsUsage, `chatcmpl-${crypto.randomUUID()}`);
  }

  private chunk(delta: Obj, finish: string | null = null): string {
    return this.chunks.delta(0, delta, finish);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk({ role: 'assistant', content: '' });
  }

  write(_event: EventSourceMessage, json: Obj | undefined): string {
    if (!json || this.done) return '';
    switch (json.type) {
      case 'message_start': {
        const message = isObj(json.message) ? json.message : {};
        if (typeof message.id === 'string') this.chunks.id = `chatcmpl-${message.id.replace(/^msg_/, '')}`;
        if (isObj(message.usage)) this.usage = usageFromAnthropic(message.usage, this.usage);
        return this.start();
      }
      case 'content_block_start':
        return this.start() + this.blockStart(json);
      case 'content_block_delta':
        return this.start() + this.blockDelta(json);
      case 'message_delta': {
        if (isObj(json.usage)) this.usage = usageFromAnthropic(json.usage, this.usage);
        const delta = isObj(json.delta) ? json.delta : {};
        if (delta.stop_reason === undefined || delta.stop_reason === null) return '';
        this.finished = true;
        return this.start() + this.chunk({}, finishReason(delta.stop_reason));
      }
      case 'message_stop':
        return this.close();
      case 'error':
        this.done = true;
        return sse(
          JSON.stringify({
            error: isObj(json.error)
              ? { message: str(json.error.message), type: str(json.error.type) || 'upstream_error' }
              : { message: 'upstream error', type: 'upstream_error' },
          }),
        );
      default:
        return '';
    }
  }

  private blockStart(json: Obj): string {
    const block = isObj(json.content_block) ? json.content_block : {};
    if (block.type !== 'tool_use') return '';
    const index = this.toolIndex.size;
    this.toolIndex.set(Number(json.index), index);
    return this.chunk({
      tool_calls: [{ index, id: str(block.id), type: 'function', function: { name: str(block.name), arguments: '' } }],
    });
  }

  private blockDelta(json: Obj): string {
    const delta = isObj(json.delta) ? json.delta : {};
    if (delta.type === 'text_delta') return this.chunk({ content: str(delta.text) });
    if (delta.type === 'thinking_delta') return this.chunk({ reasoning_content: str(delta.thinking) });
    if (delta.type === 'input_json_delta') {
      const index = this.toolIndex.get(Number(json.index));
      if (index === undefined) return '';
      return this.chunk({ tool_calls: [{ index, function: { arguments: str(delta.partial_json) } }] });
    }
    return '';
  }

  private close(): string {
    if (this.done) return '';
    this.done = true;
    let out = this.start();
    if (!this.finished) out += this.chunk({}, 'stop');
    return out + this.chunks.close(this.usage ? chatUsage(this.usage) : null);
  }

  end(): string {
    return this.close();
  }

  abort(message: string): string {
    if (this.done) return '';
    this.done = true;
    return openAiStreamError(message);
  }
}
