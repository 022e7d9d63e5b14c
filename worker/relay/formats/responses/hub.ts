/**
 * The Responses API served by a chat-completions upstream (an OpenAI-compatible channel without
 * /v1/responses, or, through the chat↔Messages converters, an Anthropic channel). What needs
 * state kept by the upstream (previous_response_id, store, item references) or a built-in tool
 * cannot be converted: such calls go only to channels that serve Responses natively.
 */
import { COMPLETION_TOKENS_ONLY } from '../chat';
import { type Obj, isObj, objs, str } from '../../../lib/json';
import { chatCallName, chatTools, clientCallName } from './tools';

/** Input items a chat upstream can be given (hosted tools' calls are left out: the provider ran them). */
const CONVERTIBLE_ITEMS = ['message', 'function_call', 'function_call_output', 'reasoning', 'web_search_call'];

/**
 * The parameter that needs a native Responses upstream, or null when the call converts. Tools
 * always convert (responses/tools.ts): a tool the channel cannot offer is left out and named.
 */
export function needsNativeResponses(body: Obj): string | null {
  if (typeof body.previous_response_id === 'string') return 'previous_response_id';
  if (body.store === true) return 'store';
  if (Array.isArray(body.input)) {
    const i = objs(body.input).findIndex(
      (item) => item.type !== undefined && !CONVERTIBLE_ITEMS.includes(str(item.type)),
    );
    if (i >= 0) return `input.${i} (${str(objs(body.input)[i].type)})`;
  }
  return null;
}

/* ----------------------------------------------------------------- request */

function chatPart(p: Obj): Obj | null {
  switch (p.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: str(p.text) };
    case 'refusal':
      return { type: 'text', text: str(p.refusal) };
    case 'input_image':
      return { type: 'image_url', image_url: { url: str(p.image_url), ...(p.detail ? { detail: p.detail } : {}) } };
    case 'input_file':
      return {
        type: 'file',
        file: {
          ...(p.file_data ? { file_data: p.file_data } : {}),
          ...(p.file_id ? { file_id: p.file_id } : {}),
          ...(p.filename ? { filename: p.filename } : {}),
        },
      };
    case 'input_audio':
      return { type: 'input_audio', input_audio: p.input_audio };
    default:
      return null;
  }
}

function chatContent(content: unknown): string | Obj[] {
  if (typeof content === 'string') return content;
  return objs(content)
    .map(chatPart)
    .filter((p): p is Obj => p !== null);
}

const textOnly = (content: string | Obj[]) =>
  typeof content === 'string' ? content : content.map((p) => str(p.text)).join('');

/** Input items as chat messages: consecutive function calls join one assistant message. */
function chatMessages(body: Obj): Obj[] {
  const out: Obj[] = [];
  if (typeof body.instructions === 'string' && body.instructions)
    out.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') return [...out, { role: 'user', content: body.input }];
  for (const item of objs(body.input)) {
    if (item.type === 'function_call') {
      const call = {
        id: str(item.call_id),
        type: 'function',
        function: { name: chatCallName(item), arguments: str(item.arguments) },
      };
      const last = out.at(-1);
      if (last?.role === 'assistant') last.tool_calls = [...objs(last.tool_calls), call];
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (item.type === 'function_call_output') {
      out.push({ role: 'tool', tool_call_id: str(item.call_id), content: textOnly(chatContent(item.output)) });
    } else if (item.type === undefined || item.type === 'message') {
      const role = item.role === 'developer' ? 'system' : str(item.role);
      const content = chatContent(item.content);
      out.push({ role, content: role === 'user' ? content : textOnly(content) });
    }
    // reasoning items carry nothing a chat upstream can read back
  }
  return out;
}

function chatToolChoice(choice: unknown): unknown {
  if (isObj(choice) && choice.type === 'function') return { type: 'function', function: { name: str(choice.name) } };
  return choice;
}

function responseFormat(text: unknown): Obj | undefined {
  const format = isObj(text) && isObj(text.format) ? text.format : null;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const { type: _type, ...schema } = format;
  return { type: 'json_schema', json_schema: schema };
}

export function responsesToChatRequest(body: Obj, upstreamModel: string): Obj {
  const out: Obj = { model: upstreamModel, messages: chatMessages(body) };
  const tools = chatTools(body.tools, body.max_tool_calls);
  if (tools.length) out.tools = tools;
  if (body.tool_choice !== undefined) out.tool_choice = chatToolChoice(body.tool_choice);
  if (typeof body.max_output_tokens === 'number')
    out[COMPLETION_TOKENS_ONLY.test(upstreamModel) ? 'max_completion_tokens' : 'max_tokens'] = body.max_output_tokens;
  for (const key of ['temperature', 'top_p', 'parallel_tool_calls', 'user', 'stream'] as const)
    if (body[key] !== undefined && body[key] !== null) out[key] = body[key];
  const format = responseFormat(body.text);
  if (format) out.response_format = format;
  if (isObj(body.reasoning) && typeof body.reasoning.effort === 'string') out.reasoning_effort = body.reasoning.effort;
  return out;
}

/* ------------------------------------------------------------------ answer */

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function responsesUsageOfChat(u: unknown): ResponseUsage | null {
  if (!isObj(u)) return null;
  const input = n(u.prompt_tokens);
  const output = n(u.completion_tokens);
  const cached = isObj(u.prompt_tokens_details) ? n(u.prompt_tokens_details.cached_tokens) : 0;
  const reasoning = isObj(u.completion_tokens_details) ? n(u.completion_tokens_details.reasoning_tokens) : 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

export const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replace(/-/g, '')}`;

/** The fields a Response echoes from its request. */
export function responseShell(request: Obj, model: string, status: string): Obj {
  return {
    id: newId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    previous_response_id: null,
    store: false,
    tools: request.tools ?? [],
    tool_choice: request.tool_choice ?? 'auto',
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    text: request.text ?? { format: { type: 'text' } },
    truncation: 'disabled',
    metadata: request.metadata ?? {},
    reasoning: request.reasoning ?? { effort: null, summary: null },
  };
}

export const messageItem = (text: string): Obj => ({
  type: 'message',
  id: newId('msg'),
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text, annotations: [] }],
});
export const reasoningItem = (text: string): Obj => ({
  type: 'reasoning',
  id: newId('rs'),
  summary: [{ type: 'summary_text', text }],
});
/** A function call as the client named it (a namespaced tool's call carries its `namespace`). */
export const functionCallItem = (callId: string, name: { name: string; namespace?: string }, args: string): Obj => ({
  type: 'function_call',
  id: newId('fc'),
  call_id: callId,
  ...name,
  arguments: args,
  status: 'completed',
});

/** A chat completion as the Response the client asked for. */
export function chatToResponse(json: Obj, request: Obj, model: string): Obj {
  const choice = objs(json.choices)[0] ?? {};
  const message = isObj(choice.message) ? choice.message : {};
  const output: Obj[] = [];
  const reasoning = str(message.reasoning_content) || str(message.reasoning);
  if (reasoning) output.push(reasoningItem(reasoning));
  const text = str(message.content) || str(message.refusal);
  if (text) output.push(messageItem(text));
  for (const call of objs(message.tool_calls)) {
    const fn = isObj(call.function) ? call.function : {};
    output.push(functionCallItem(str(call.id), clientCallName(request, str(fn.name)), str(fn.arguments)));
  }
  const incomplete = choice.finish_reason === 'length';
  return {
    ...responseShell(request, model, incomplete ? 'incomplete' : 'completed'),
    output,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    usage: responsesUsageOfChat(json.usage),
  };
}
