// OpenAI endpoints (ok behaviour): chat completions, legacy completions, embeddings, models.

import { sendJson } from './http.mjs';
import { nextId, nowSeconds, openAiUsage } from './plan.mjs';
import { sendHalfThenReset, sseData, wantsUsageChunk, writeStream } from './sse.mjs';

export function chatCompletions(ctx, body, plan) {
  const id = nextId('chatcmpl-fake');
  const created = nowSeconds();
  const model = body?.model ?? 'gpt-4o-mini';
  if (body?.stream !== true) {
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: plan.content, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    };
    if (plan.usage) completion.usage = openAiUsage(plan.usage);
    if (plan.resetBody) return sendHalfThenReset(ctx, completion);
    return sendJson(ctx.res, 200, completion);
  }
  const withUsage = wantsUsageChunk(body, plan);
  const chunk = (choices, extra = {}) => {
    const c = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices, ...extra };
    if (withUsage && !('usage' in extra)) c.usage = null;
    return sseData(c);
  };
  const choice = (delta, finish_reason = null) => [{ index: 0, delta, logprobs: null, finish_reason }];
  const events = [];
  if (plan.keepalive) events.push(': keep-alive\n\n');
  events.push(chunk(choice({ role: 'assistant', content: '' })));
  const firstContent = events.length;
  for (const text of plan.chunks) events.push(chunk(choice({ content: text })));
  const endOfContent = events.length;
  events.push(chunk(choice({}, 'stop')));
  if (withUsage) events.push(chunk([], { usage: openAiUsage(plan.usage) }));
  events.push(sseData('[DONE]'));
  const error = sseData({
    error: {
      message: 'The server had an error while processing your request.',
      type: 'server_error',
      param: null,
      code: null,
    },
  });
  return writeStream(ctx, events, plan, firstContent, error, endOfContent);
}

export function legacyCompletions(ctx, body, plan) {
  const id = nextId('cmpl-fake');
  const created = nowSeconds();
  const model = body?.model ?? 'gpt-3.5-turbo-instruct';
  const base = { id, object: 'text_completion', created, model };
  const choice = (text, finish_reason) => [{ text, index: 0, logprobs: null, finish_reason }];
  if (body?.stream !== true) {
    const completion = { ...base, choices: choice(plan.content, 'stop') };
    if (plan.usage) completion.usage = openAiUsage(plan.usage);
    return sendJson(ctx.res, 200, completion);
  }
  const withUsage = wantsUsageChunk(body, plan);
  const chunk = (choices, usage) => sseData(withUsage ? { ...base, choices, usage } : { ...base, choices });
  const events = [];
  if (plan.keepalive) events.push(': keep-alive\n\n');
  for (const text of plan.chunks) events.push(chunk(choice(text, null), null));
  events.push(chunk(choice('', 'stop'), null));
  if (withUsage) events.push(chunk([], openAiUsage(plan.usage)));
  events.push(sseData('[DONE]'));
  return writeStream(
    ctx,
    events,
    plan,
    plan.keepalive ? 1 : 0,
    sseData({ error: { message: 'server error', type: 'server_error' } }),
  );
}

function fakeEmbedding(input, index) {
  const text = typeof input === 'string' ? input : JSON.stringify(input ?? '');
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return Array.from({ length: 8 }, (_, i) => Number(Math.sin(hash + index * 8 + i).toFixed(6)));
}

export function embeddings(ctx, body, plan) {
  const input = body?.input;
  const isBatch = Array.isArray(input) && input.length > 0 && typeof input[0] !== 'number';
  const inputs = isBatch ? input : [input];
  const result = {
    object: 'list',
    data: inputs.map((item, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(item, index) })),
    model: body?.model ?? 'text-embedding-3-small',
  };
  if (plan.usage) result.usage = { prompt_tokens: plan.usage.prompt, total_tokens: plan.usage.prompt };
  sendJson(ctx.res, 200, result);
}

export function models(ctx) {
  sendJson(ctx.res, 200, {
    object: 'list',
    data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'fake' }],
  });
}
