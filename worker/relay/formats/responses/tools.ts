/**
 * The Responses API's tools on a route through the hub (chat completions). A `namespace` (Codex
 * CLI's tool groups) is offered as its function tools under Codex's flat name `<namespace>__<name>`
 * (codex-rs ToolName::canonical_flat_name, used where a boundary cannot keep the split), and a
 * call to one comes back as a `function_call` with `name` and `namespace` again. A hosted tool
 * (web search, ...) goes on as a `hosted` chat tool for the channel's side of the hub to map to
 * the provider's own tool, or to leave out. Other client-side types (local_shell, mcp, ...) have
 * no chat form and are left out too.
 */
import { type Obj, isObj, objs, str } from '../../../lib/json';

/** A chat tool standing for a hosted or client-side tool the chat format cannot express. */
export const HOSTED_CHAT_TOOL = 'hosted';

export const flatName = (namespace: string, name: string) =>
  `${namespace.replace(/_+$/, '')}__${name.replace(/^_+/, '')}`;

const chatFunction = (t: Obj, name: string): Obj => ({
  type: 'function',
  function: {
    name,
    description: t.description ?? undefined,
    parameters: t.parameters ?? undefined,
    strict: t.strict ?? undefined,
  },
});

/** Responses tools as chat tools; a hosted tool carries the calls the hold allows (`max_tool_calls`). */
export function chatTools(tools: unknown, maxCalls: unknown): Obj[] {
  const out: Obj[] = [];
  for (const t of objs(tools)) {
    if (t.type === 'function') out.push(chatFunction(t, str(t.name)));
    else if (t.type === 'namespace')
      for (const inner of objs(t.tools)) out.push(chatFunction(inner, flatName(str(t.name), str(inner.name))));
    else
      out.push({ type: HOSTED_CHAT_TOOL, hosted: t, ...(typeof maxCalls === 'number' ? { max_uses: maxCalls } : {}) });
  }
  return out;
}

/** The client's name for a chat tool call: a namespaced tool's flat name split again. */
export function clientCallName(request: Obj, chatName: string): { name: string; namespace?: string } {
  for (const t of objs(request.tools)) {
    if (t.type !== 'namespace') continue;
    const inner = objs(t.tools).find((i) => flatName(str(t.name), str(i.name)) === chatName);
    if (inner) return { name: str(inner.name), namespace: str(t.name) };
  }
  return { name: chatName };
}

/** The chat name of a function_call input item (namespaced ones flattened). */
export const chatCallName = (item: Obj) =>
  typeof item.namespace === 'string' && item.namespace ? flatName(item.namespace, str(item.name)) : str(item.name);

/** Splits a chat request's hosted tools off: those the channel offers (`offers`) stay, the others' types are dropped. */
export function splitHosted(chat: Obj, offers: (type: string) => boolean): { chat: Obj; dropped: string[] } {
  if (!Array.isArray(chat.tools)) return { chat, dropped: [] };
  const dropped: string[] = [];
  const tools = objs(chat.tools).filter((t) => {
    if (t.type !== HOSTED_CHAT_TOOL) return true;
    const type = isObj(t.hosted) ? str(t.hosted.type) : '';
    if (offers(type)) return true;
    dropped.push(type);
    return false;
  });
  const { tools: _all, tool_choice: _choice, parallel_tool_calls: _parallel, ...rest } = chat;
  return { chat: tools.length ? { ...chat, tools } : rest, dropped: [...new Set(dropped)] };
}
