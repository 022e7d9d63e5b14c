import type { EventSourceMessage } from 'eventsource-parser';
import { sse, type SseWriter } from '../../hub/sse';
import { anthropicStreamError } from './errors';
import { anthropicUsageOfChat, isObj, messageId, objs, randomId, stopReason, str, type Obj } from './shared';

/* OpenAI chat.completion.chunk stream -> Anthropic Messages stream. A pure state machine; no I/O. */

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
      out += this.emit({
        type: 'content_block_start',
        index: this.nextIndex,
        content_block: { type: 'text', text: '' },
      });
      this.nextIndex++;
      this.open = { kind: 'text' };
    }
    return (
      out + this.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'text_delta', text } })
    );
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
    return this.emit({
      type: 'content_block_delta',
      index: this.nextIndex - 1,
      delta: { type: 'input_json_delta', partial_json: partial },
    });
  }

  private toolDelta(call: Obj): string {
    const fn = isObj(call.function) ? call.function : {};
    const id = str(call.id);
    const current = this.open?.kind === 'tool' ? this.open.tool : null;
    let key: number;
    if (typeof call.index === 'number') key = call.index;
    else if (current && (!id || id === current.id))
      key = current.key; // upstreams that omit index
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
    const u = anthropicUsageOfChat(this.usage);
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
