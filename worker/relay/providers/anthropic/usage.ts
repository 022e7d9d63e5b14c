/** Anthropic's stream events, read beside the bytes the relay passes on, with their usage. */
import type { Usage } from '../../../billing/charge';
import type { TapSink } from '../../hub/tap';
import { anthropicSearches } from '../../../billing/tools';
import { type Obj, isObj, tokenCount as num } from '../../../lib/json';

/**
 * Anthropic reports input_tokens without the cached part; the contract's P includes cached
 * tokens (K) and cache writes (W, H), so P = input + cache_read + cache_creation, K = cache_read.
 * Writes are split by cache length in `cache_creation` (5-minute and 1-hour); a bare
 * `cache_creation_input_tokens` with no split is all 5-minute (W). A stream's message_delta may
 * repeat some fields or none: what it lacks is kept from message_start (`prior`).
 */
export function usageFromAnthropic(u: Obj, prior: Usage | null): Usage {
  const hasInput = 'input_tokens' in u;
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  const split = isObj(u.cache_creation) ? u.cache_creation : null;
  const oneHour = split ? num(split.ephemeral_1h_input_tokens) : 0;
  const fiveMinutes = split ? Math.max(num(split.ephemeral_5m_input_tokens), cacheWrite - oneHour) : cacheWrite;
  return {
    promptTokens: hasInput
      ? num(u.input_tokens) + cacheRead + Math.max(cacheWrite, fiveMinutes + oneHour)
      : (prior?.promptTokens ?? 0),
    completionTokens: 'output_tokens' in u ? num(u.output_tokens) : (prior?.completionTokens ?? 0),
    cachedTokens: hasInput ? cacheRead : (prior?.cachedTokens ?? 0),
    cacheWriteTokens: hasInput ? fiveMinutes : (prior?.cacheWriteTokens ?? 0),
    cacheWrite1hTokens: hasInput ? oneHour : (prior?.cacheWrite1hTokens ?? 0),
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
