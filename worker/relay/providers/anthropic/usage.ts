/** Anthropic's stream events, read beside the bytes the relay passes on, with their usage. */
import type { Usage } from '../../../billing/charge';
import type { TapSink } from '../../hub/tap';
import { anthropicSearches } from '../../../billing/tools';
import { type Obj, isObj, tokenCount as num } from '../../../lib/json';

/**
 * Anthropic reports input_tokens without the cached part; the contract's P includes cached
 * tokens (K), so P = input + cache_read + cache_creation, K = cache_read.
 */
export function usageFromAnthropic(u: Obj, prior: Usage | null): Usage {
  const hasInput = 'input_tokens' in u;
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  return {
    promptTokens: hasInput ? num(u.input_tokens) + cacheRead + cacheWrite : (prior?.promptTokens ?? 0),
    completionTokens: 'output_tokens' in u ? num(u.output_tokens) : (prior?.completionTokens ?? 0),
    cachedTokens: hasInput ? cacheRead : (prior?.cachedTokens ?? 0),
  };
}

export function readMessagesEvent(sink: TapSink, event: string | undefined, ev: Obj): void {
  const type = ev.type ?? event;
  const i = typeof ev.index === 'number' ? ev.index : 0;
  if (type === 'message_start') {
    const message = isObj(ev.message) ? ev.message : {};
    if (isObj(message.usage)) sink.state.usage = usageFromAnthropic(message.usage, sink.state.usage);
  } else if (type === 'message_delta') {
    if (isObj(ev.usage)) sink.state.usage = usageFromAnthropic(ev.usage, sink.state.usage);
    // web searches run by Anthropic's server tool, billed per call like the Responses API's
    if (isObj(ev.usage) && isObj(ev.usage.server_tool_use)) sink.state.outputItems = anthropicSearches(ev.usage);
  } else if (type === 'content_block_start') {
    const block = isObj(ev.content_block) ? ev.content_block : {};
    sink.add(`${i}:name`, block.name);
    sink.add(`${i}:text`, block.text);
    sink.add(`${i}:text`, block.thinking);
  } else if (type === 'content_block_delta') {
    const delta = isObj(ev.delta) ? ev.delta : {};
    sink.add(`${i}:text`, delta.text);
    sink.add(`${i}:text`, delta.thinking);
    sink.add(`${i}:args`, delta.partial_json);
  } else if (type === 'message_stop') {
    sink.state.closed = true;
  } else if (type === 'error') {
    sink.state.errored = true;
  }
}
