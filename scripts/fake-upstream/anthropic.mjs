// Anthropic Messages endpoint (ok behaviour), streamed and not.

import { sendJson } from './http.mjs';
import { anthropicUsage, nextId } from './plan.mjs';
import { sendHalfThenReset, sseEvent, writeStream } from './sse.mjs';

/** Content blocks of a plan: optional thinking, the text, an optional tool call. */
function anthropicBlocks(plan) {
  const blocks = [];
  if (plan.thinking) blocks.push({ type: 'thinking', thinking: plan.thinking, signature: 'sig-fake' });
  blocks.push({ type: 'text', text: plan.content });
  if (plan.toolArgs)
    blocks.push({
      type: 'tool_use',
      id: nextId('toolu_fake'),
      name: plan.toolName ?? 'get_weather',
      input: JSON.parse(plan.toolArgs),
    });
  return blocks;
}

/** Anthropic's web search server tool, when offered, runs once: its usage counts the search. */
const searches = (body) =>
  Array.isArray(body?.tools) && body.tools.some((t) => String(t?.type).startsWith('web_search_')) ? 1 : 0;
const withSearches = (usage, body) =>
  searches(body) ? { ...usage, server_tool_use: { web_search_requests: searches(body) } } : usage;

export function anthropicMessages(ctx, body, plan) {
  const id = nextId('msg_fake');
  const model = body?.model ?? 'claude-3-5-haiku-latest';
  const blocks = anthropicBlocks(plan);
  if (body?.stream !== true) {
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason: plan.toolArgs ? 'tool_use' : 'end_turn',
      stop_sequence: null,
    };
    if (plan.usage) message.usage = withSearches(anthropicUsage(plan.usage), body);
    if (plan.resetBody) return sendHalfThenReset(ctx, message);
    return sendJson(ctx.res, 200, message);
  }
  const startMessage = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  if (plan.usage) startMessage.usage = anthropicUsage(plan.usage, 1);
  const messageDelta = {
    type: 'message_delta',
    delta: { stop_reason: plan.toolArgs ? 'tool_use' : 'end_turn', stop_sequence: null },
  };
  if (plan.usage) messageDelta.usage = withSearches({ output_tokens: plan.usage.completion }, body);
  const events = [{ type: 'message_start', message: startMessage }];
  let firstContent = 0;
  blocks.forEach((block, index) => {
    if (block.type === 'thinking') {
      events.push(
        { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '' } },
        { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } },
        { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } },
      );
    } else if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, { type: 'ping' });
      firstContent = events.length;
      for (const text of plan.chunks)
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else {
      events.push(
        {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        },
        { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: plan.toolArgs } },
      );
    }
    events.push({ type: 'content_block_stop', index });
  });
  const endOfContent = events.length;
  events.push(messageDelta, { type: 'message_stop' });
  const error = sseEvent({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  return writeStream(ctx, events.map(sseEvent), plan, firstContent, error, endOfContent);
}

/** POST /v1/messages/count_tokens: the plan's prompt tokens (config.usage.prompt_tokens, else 10), as Anthropic answers it. */
export function anthropicCountTokens(ctx, _body, plan) {
  sendJson(ctx.res, 200, { input_tokens: plan.usage?.prompt ?? 10 });
}
