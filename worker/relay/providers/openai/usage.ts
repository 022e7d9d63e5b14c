/** OpenAI's stream formats, read beside the bytes the relay passes on: chat chunks and Responses events, with their usage. */
import type { Usage } from '../../../billing/charge';
import type { TapSink } from '../../hub/tap';
import { type Obj, isObj, objs, tokenCount as num } from '../../../lib/json';

export function openAiUsage(u: Obj): Usage {
  const details = isObj(u.prompt_tokens_details) ? u.prompt_tokens_details : undefined;
  return {
    promptTokens: num(u.prompt_tokens),
    completionTokens: num(u.completion_tokens),
    cachedTokens: num(details?.cached_tokens),
  };
}

/** Responses usage: input_tokens include the cached ones, output_tokens the reasoning ones. */
export function responsesUsage(u: Obj): Usage {
  const details = isObj(u.input_tokens_details) ? u.input_tokens_details : undefined;
  return {
    promptTokens: num(u.input_tokens),
    completionTokens: num(u.output_tokens),
    cachedTokens: num(details?.cached_tokens),
  };
}

export function readChatChunk(sink: TapSink, _event: string | undefined, chunk: Obj): void {
  if (isObj(chunk.error)) sink.state.errored = true;
  if (isObj(chunk.usage)) sink.state.usage = openAiUsage(chunk.usage);
  for (const choice of objs(chunk.choices)) {
    const n = typeof choice.index === 'number' ? choice.index : 0;
    const delta = isObj(choice.delta) ? choice.delta : {};
    sink.add(`${n}:text`, delta.content);
    sink.add(`${n}:text`, choice.text);
    sink.add(`${n}:refusal`, delta.refusal);
    sink.add(`${n}:reasoning`, delta.reasoning_content);
    sink.add(`${n}:reasoning`, delta.reasoning);
    for (const call of objs(delta.tool_calls)) {
      const fn = isObj(call.function) ? call.function : {};
      const i = typeof call.index === 'number' ? call.index : 0;
      sink.add(`${n}:tool${i}:name`, fn.name);
      sink.add(`${n}:tool${i}:args`, fn.arguments);
    }
    if (isObj(delta.function_call)) {
      sink.add(`${n}:fn:name`, delta.function_call.name);
      sink.add(`${n}:fn:args`, delta.function_call.arguments);
    }
  }
}

/** OpenAI Responses events: deltas by output item, usage and the end in response.completed. */
export function readResponsesEvent(sink: TapSink, event: string | undefined, ev: Obj): void {
  const type = ev.type ?? event;
  const i = typeof ev.output_index === 'number' ? ev.output_index : 0;
  if (type === 'response.output_text.delta' || type === 'response.refusal.delta') sink.add(`${i}:text`, ev.delta);
  else if (type === 'response.reasoning_summary_text.delta' || type === 'response.reasoning_text.delta')
    sink.add(`${i}:reasoning`, ev.delta);
  else if (type === 'response.function_call_arguments.delta') sink.add(`${i}:args`, ev.delta);
  else if (type === 'response.output_item.added' && isObj(ev.item)) {
    if (typeof ev.item.type === 'string') sink.state.outputItems.push(ev.item.type);
    if (ev.item.type === 'function_call') sink.add(`${i}:name`, ev.item.name);
  } else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
    const response = isObj(ev.response) ? ev.response : {};
    if (isObj(response.usage)) sink.state.usage = responsesUsage(response.usage);
    if (type === 'response.failed') sink.state.errored = true;
    else sink.state.closed = true;
  } else if (type === 'error') {
    sink.state.errored = true;
  }
}
