/*
 * Helpers shared by the Anthropic Messages <-> OpenAI chat.completions conversions
 * (request, answer and stream): loose JSON readers and the answer-side mappings of ids,
 * stop reasons and usage.
 */

import { isObj, objs, tokenCount as count, type Obj } from '../../../lib/json';

export { isObj, objs, type Obj };
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const randomId = (): string => crypto.randomUUID().replace(/-/g, '').slice(0, 24);

/** Anthropic message id from the upstream's chat completion id (random when absent). */
export function messageId(upstreamId: unknown): string {
  const id = typeof upstreamId === 'string' ? upstreamId.replace(/^chatcmpl-/, '') : '';
  return `msg_${id || randomId()}`;
}

/** Anthropic stop_reason from an OpenAI finish_reason. */
export function stopReason(finish: unknown, sawToolUse: boolean): string {
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
export function anthropicUsageOfChat(u: unknown): Obj {
  const usage = isObj(u) ? u : {};
  const details = isObj(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const prompt = count(usage.prompt_tokens);
  const cached = Math.min(count(details.cached_tokens), prompt);
  const out: Obj = { input_tokens: prompt - cached, output_tokens: count(usage.completion_tokens) };
  if (cached > 0) out.cache_read_input_tokens = cached;
  return out;
}
