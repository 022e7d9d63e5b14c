import { anthropicUsageOfChat, isObj, messageId, objs, randomId, stopReason, str, type Obj } from './shared';

/* OpenAI chat.completion answer (non-streaming) -> Anthropic Messages answer. Pure functions; no I/O. */

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
    stop_reason: stopReason(
      choice.finish_reason,
      content.some((b) => b.type === 'tool_use'),
    ),
    stop_sequence: null,
    usage: anthropicUsageOfChat(json.usage),
  };
}
