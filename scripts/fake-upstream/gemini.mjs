// Google's Gemini API: POST /v1beta/models/{model}:generateContent, and
// :streamGenerateContent?alt=sse (each SSE event a GenerateContentResponse; usageMetadata in each,
// finishReason in the last; the body then ends). The key comes as x-goog-api-key or ?key=.

import { sendJson } from './http.mjs';
import { nextId } from './plan.mjs';
import { sendHalfThenReset, sseData, writeStream } from './sse.mjs';

function usageMetadata(u, completion = u.completion) {
  if (!u) return undefined;
  const meta = { promptTokenCount: u.prompt, candidatesTokenCount: completion, totalTokenCount: u.prompt + completion };
  if (u.cached !== undefined) meta.cachedContentTokenCount = u.cached;
  if (u.thoughts !== undefined) meta.thoughtsTokenCount = u.thoughts;
  return meta;
}

/** A function the request declares and forces (mode ANY): the answer calls it. */
function forcedFunction(body) {
  const decls = (body?.tools ?? []).flatMap((t) => t?.functionDeclarations ?? []);
  const mode = body?.toolConfig?.functionCallingConfig?.mode;
  if (decls.length === 0 || mode !== 'ANY') return null;
  const allowed = body.toolConfig.functionCallingConfig.allowedFunctionNames;
  return decls.find((d) => !allowed || allowed.includes(d.name)) ?? null;
}

const candidate = (parts, finishReason) => ({
  content: { role: 'model', parts },
  ...(finishReason ? { finishReason } : {}),
  index: 0,
});

export function gemini(ctx, body, plan, { model, stream }) {
  const fn = forcedFunction(body);
  const responseId = nextId('gem');
  const modelVersion = model;
  if (!stream) {
    const parts = fn ? [{ functionCall: { name: fn.name, args: { city: 'Paris' } } }] : [{ text: plan.content }];
    const answer = {
      candidates: [candidate(parts, 'STOP')],
      usageMetadata: usageMetadata(plan.usage),
      modelVersion,
      responseId,
    };
    if (plan.resetBody) return sendHalfThenReset(ctx, answer);
    return sendJson(ctx.res, 200, answer);
  }
  const events = [];
  let delivered = 0;
  for (const text of plan.chunks) {
    delivered += 1;
    events.push(
      sseData({
        candidates: [candidate([{ text }])],
        usageMetadata: usageMetadata(plan.usage, delivered),
        modelVersion,
        responseId,
      }),
    );
  }
  const endOfContent = events.length;
  const last = fn ? [{ functionCall: { name: fn.name, args: { city: 'Paris' } } }] : [{ text: '' }];
  events.push(
    sseData({
      candidates: [candidate(last, 'STOP')],
      usageMetadata: usageMetadata(plan.usage),
      modelVersion,
      responseId,
    }),
  );
  const error = sseData({ error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } });
  return writeStream(ctx, events, plan, 0, error, endOfContent);
}

/** The model and the method from the path, or null. */
export function geminiTarget(pathname) {
  const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(pathname);
  return m ? { model: decodeURIComponent(m[1]), stream: m[2] === 'streamGenerateContent' } : null;
}
