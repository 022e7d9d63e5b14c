/**
 * Chat-completion chunks in, Responses stream events out, in the order the Responses API sends
 * them: response.created and in_progress; for each output item its added event, deltas, done
 * events; then response.completed with the whole Response and its usage.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { functionCallItem, messageItem, newId, reasoningItem, responseShell, responsesUsageOfChat } from './hub';
import { sse, type SseWriter } from '../../hub/sse';
import { responsesStreamError } from './errors';
import { clientCallName } from './tools';
import { type Obj, isObj, objs, str } from '../../../lib/json';

/** An output item being streamed. */
interface OpenItem {
  index: number;
  kind: 'message' | 'reasoning' | 'function_call';
  id: string;
  text: string;
  callId?: string;
  name?: string;
}

export class ChatStreamToResponsesWriter implements SseWriter {
  private readonly shell: Obj;
  private seq = 0;
  private started = false;
  private open: OpenItem | null = null;
  private readonly done: Obj[] = [];
  /** Chat tool_calls index -> the output item streaming it. */
  private readonly tools = new Map<number, OpenItem>();
  private usage: Obj | null = null;
  private finish: string | null = null;

  constructor(
    private readonly request: Obj,
    model: string,
  ) {
    this.shell = responseShell(request, model, 'in_progress');
  }

  private event(type: string, fields: Obj): string {
    return sse(JSON.stringify({ type, sequence_number: this.seq++, ...fields }), type);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return (
      this.event('response.created', { response: this.shell }) +
      this.event('response.in_progress', { response: this.shell })
    );
  }

  write(_e: EventSourceMessage, json: Obj | undefined): string {
    if (!json) return '';
    let out = this.start();
    if (isObj(json.usage)) this.usage = json.usage;
    for (const choice of objs(json.choices)) {
      const delta = isObj(choice.delta) ? choice.delta : {};
      const reasoning = str(delta.reasoning_content) || str(delta.reasoning);
      if (reasoning) out += this.text('reasoning', reasoning);
      const text = str(delta.content) || str(delta.refusal);
      if (text) out += this.text('message', text);
      for (const call of objs(delta.tool_calls)) out += this.toolDelta(call);
      if (typeof choice.finish_reason === 'string') this.finish = choice.finish_reason;
    }
    return out;
  }

  /** Text for a message or reasoning item: the item opens on its first delta. */
  private text(kind: 'message' | 'reasoning', delta: string): string {
    let out = '';
    if (this.open?.kind !== kind) {
      out += this.close();
      out += this.openItem(kind);
    }
    const item = this.open!;
    item.text += delta;
    const at = { item_id: item.id, output_index: item.index };
    return kind === 'message'
      ? out + this.event('response.output_text.delta', { ...at, content_index: 0, delta })
      : out + this.event('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta });
  }

  private openItem(kind: 'message' | 'reasoning'): string {
    const item: OpenItem = { index: this.done.length, kind, id: newId(kind === 'message' ? 'msg' : 'rs'), text: '' };
    this.open = item;
    const at = { item_id: item.id, output_index: item.index };
    if (kind === 'message') {
      return (
        this.event('response.output_item.added', {
          output_index: item.index,
          item: { type: 'message', id: item.id, status: 'in_progress', role: 'assistant', content: [] },
        }) +
        this.event('response.content_part.added', {
          ...at,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        })
      );
    }
    return (
      this.event('response.output_item.added', {
        output_index: item.index,
        item: { type: 'reasoning', id: item.id, summary: [] },
      }) +
      this.event('response.reasoning_summary_part.added', {
        ...at,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      })
    );
  }

  private toolDelta(call: Obj): string {
    const index = typeof call.index === 'number' ? call.index : 0;
    const fn = isObj(call.function) ? call.function : {};
    let out = '';
    let item = this.tools.get(index);
    if (!item) {
      out += this.close();
      item = {
        index: this.done.length,
        kind: 'function_call',
        id: newId('fc'),
        text: '',
        callId: str(call.id) || newId('call'),
        name: str(fn.name),
      };
      this.tools.set(index, item);
      this.open = item;
      out += this.event('response.output_item.added', {
        output_index: item.index,
        item: {
          type: 'function_call',
          id: item.id,
          call_id: item.callId,
          ...clientCallName(this.request, item.name ?? ''),
          arguments: '',
          status: 'in_progress',
        },
      });
    }
    const args = str(fn.arguments);
    if (!args) return out;
    item.text += args;
    return (
      out +
      this.event('response.function_call_arguments.delta', { item_id: item.id, output_index: item.index, delta: args })
    );
  }

  /** Ends the open item with its done events, and keeps it for the final Response. */
  private close(): string {
    const item = this.open;
    if (!item) return '';
    this.open = null;
    const at = { item_id: item.id, output_index: item.index };
    let out = '';
    let done: Obj;
    if (item.kind === 'message') {
      done = { ...messageItem(item.text), id: item.id };
      out += this.event('response.output_text.done', { ...at, content_index: 0, text: item.text });
      out += this.event('response.content_part.done', {
        ...at,
        content_index: 0,
        part: { type: 'output_text', text: item.text, annotations: [] },
      });
    } else if (item.kind === 'reasoning') {
      done = { ...reasoningItem(item.text), id: item.id };
      out += this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: item.text });
    } else {
      done = {
        ...functionCallItem(item.callId ?? '', clientCallName(this.request, item.name ?? ''), item.text),
        id: item.id,
      };
      out += this.event('response.function_call_arguments.done', { ...at, arguments: item.text });
    }
    this.done.push(done);
    return out + this.event('response.output_item.done', { output_index: item.index, item: done });
  }

  end(): string {
    const incomplete = this.finish === 'length';
    const response = {
      ...this.shell,
      status: incomplete ? 'incomplete' : 'completed',
      output: this.done,
      usage: responsesUsageOfChat(this.usage),
      incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    };
    return (
      this.start() +
      this.close() +
      this.event(incomplete ? 'response.incomplete' : 'response.completed', {
        response: { ...response, output: this.done },
      })
    );
  }

  abort(message: string): string {
    return this.start() + responsesStreamError(message);
  }
}
