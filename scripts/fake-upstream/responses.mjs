// OpenAI Responses API (POST /v1/responses), streamed and not, with its real event order:
// response.created, in_progress, output_item.added, content_part.added, output_text.delta...,
// output_text.done, content_part.done, output_item.done, response.completed (with usage).

import { sendJson } from './http.mjs';
import { nextId, nowSeconds } from './plan.mjs';
import { sendHalfThenReset, sseEvent, writeStream } from './sse.mjs';

function responsesUsage(u) {
  if (!u) return null;
  return {
    input_tokens: u.prompt,
    input_tokens_details: { cached_tokens: u.cached ?? 0 },
    output_tokens: u.completion,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.prompt + u.completion,
  };
}

/** A function tool the request offers and asks for ("required" or by name): the answer calls it. */
function calledTool(body) {
  const tools = Array.isArray(body?.tools) ? body.tools.filter((t) => t?.type === 'function') : [];
  const choice = body?.tool_choice;
  if (tools.length === 0 || !(choice === 'required' || (choice && typeof choice === 'object'))) return null;
  return tools.find((t) => t.name === choice?.name) ?? tools[0];
}

const HOSTED = /^(web_search|file_search|code_interpreter|image_generation|computer_use)/;

/** One call of each hosted tool offered (web_search_preview -> a web_search_call item), as the provider would run it. */
function builtInCalls(body) {
  const tools = Array.isArray(body?.tools)
    ? body.tools.filter((t) => typeof t?.type === 'string' && HOSTED.test(t.type))
    : [];
  return tools.map((t) => ({
    type: `${t.type
      .replace(/_\d{4}_\d{2}_\d{2}$/, '')
      .replace(/_preview$/, '')
      .replace(/_use$/, '')}_call`,
    id: nextId('tc'),
    status: 'completed',
  }));
}

function outputItems(body, plan, text) {
  const tool = calledTool(body);
  if (tool)
    return [
      {
        type: 'function_call',
        id: nextId('fc'),
        call_id: nextId('call'),
        name: tool.name,
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
    ];
  return [
    ...builtInCalls(body),
    {
      type: 'message',
      id: nextId('msg'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    },
  ];
}

function responseObject(body, status, output, usage) {
  return {
    id: nextId('resp'),
    object: 'response',
    created_at: nowSeconds(),
    status,
    model: body?.model ?? 'gpt-4o-mini',
    output,
    instructions: body?.instructions ?? null,
    max_output_tokens: body?.max_output_tokens ?? null,
    previous_response_id: body?.previous_response_id ?? null,
    tools: body?.tools ?? [],
    tool_choice: body?.tool_choice ?? 'auto',
    parallel_tool_calls: true,
    store: body?.store ?? true,
    temperature: 1,
    top_p: 1,
    text: { format: { type: 'text' } },
    truncation: 'disabled',
    metadata: {},
    usage,
    error: null,
    incomplete_details: null,
    reasoning: { effort: null, summary: null },
  };
}

export function responses(ctx, body, plan) {
  const output = outputItems(body, plan, plan.content);
  const usage = responsesUsage(plan.usage);
  if (body?.stream !== true) {
    const done = responseObject(body, 'completed', output, usage);
    if (plan.resetBody) return sendHalfThenReset(ctx, done);
    return sendJson(ctx.res, 200, done);
  }
  const shell = responseObject(body, 'in_progress', [], null);
  let seq = 0;
  const ev = (payload) => sseEvent({ ...payload, sequence_number: seq++ });
  const events = [
    ev({ type: 'response.created', response: shell }),
    ev({ type: 'response.in_progress', response: shell }),
  ];
  const item = output.at(-1);
  const at = output.length - 1;
  output.slice(0, -1).forEach((call, i) => {
    events.push(ev({ type: 'response.output_item.added', output_index: i, item: { ...call, status: 'in_progress' } }));
    events.push(ev({ type: 'response.output_item.done', output_index: i, item: call }));
  });
  let firstContent;
  let endOfContent;
  if (item.type === 'function_call') {
    events.push(
      ev({
        type: 'response.output_item.added',
        output_index: at,
        item: { ...item, arguments: '', status: 'in_progress' },
      }),
    );
    firstContent = events.length;
    for (const piece of ['{"city":', '"Paris"}'])
      events.push(
        ev({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: at, delta: piece }),
      );
    endOfContent = events.length;
    events.push(
      ev({
        type: 'response.function_call_arguments.done',
        item_id: item.id,
        output_index: at,
        arguments: item.arguments,
      }),
    );
  } else {
    const part = { type: 'output_text', text: '', annotations: [] };
    events.push(
      ev({
        type: 'response.output_item.added',
        output_index: at,
        item: { ...item, status: 'in_progress', content: [] },
      }),
    );
    events.push(
      ev({ type: 'response.content_part.added', item_id: item.id, output_index: at, content_index: 0, part }),
    );
    firstContent = events.length;
    for (const text of plan.chunks)
      events.push(
        ev({ type: 'response.output_text.delta', item_id: item.id, output_index: at, content_index: 0, delta: text }),
      );
    endOfContent = events.length;
    events.push(
      ev({
        type: 'response.output_text.done',
        item_id: item.id,
        output_index: at,
        content_index: 0,
        text: plan.content,
      }),
    );
    events.push(
      ev({
        type: 'response.content_part.done',
        item_id: item.id,
        output_index: at,
        content_index: 0,
        part: { ...part, text: plan.content },
      }),
    );
  }
  events.push(ev({ type: 'response.output_item.done', output_index: at, item }));
  events.push(ev({ type: 'response.completed', response: responseObject(body, 'completed', output, usage) }));
  const error = sseEvent({
    type: 'error',
    code: 'server_error',
    message: 'The server had an error while processing your request.',
    param: null,
    sequence_number: 999,
  });
  return writeStream(ctx, events, plan, firstContent, error, endOfContent);
}
