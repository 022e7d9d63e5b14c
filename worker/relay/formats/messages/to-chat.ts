import { isObj, objs, randomId, str, type Obj } from './shared';

/* Anthropic Messages request -> OpenAI chat.completions request. Pure functions; no I/O. */

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
