// API request flow: record -> validate -> apply scenario mode.

import { anthropicCountTokens, anthropicMessages } from './anthropic.mjs';
import { parseJson, readBody, sendError, wait } from './http.mjs';
import { chatCompletions, embeddings, legacyCompletions, models } from './openai.mjs';
import { buildPlan } from './plan.mjs';
import { responses } from './responses.mjs';
import { gemini, geminiTarget } from './gemini.mjs';
import { DEFAULT_SCENARIO, recordRequest } from './scenarios.mjs';

const ROUTES = {
  'POST /v1/chat/completions': chatCompletions,
  // DeepSeek's documented path: chat completions without the /v1 prefix.
  'POST /chat/completions': chatCompletions,
  'POST /v1/completions': legacyCompletions,
  'POST /v1/embeddings': embeddings,
  'GET /v1/models': models,
  'POST /v1/messages': anthropicMessages,
  'POST /v1/messages/count_tokens': anthropicCountTokens,
  'POST /v1/responses': responses,
};
const ROUTE_PATHS = new Set(Object.keys(ROUTES).map((k) => k.split(' ')[1]));

function splitScenario(pathname) {
  const m = /^\/s\/([^/]+)(\/.*)?$/.exec(pathname);
  if (!m) return { scenarioId: DEFAULT_SCENARIO, apiPath: pathname };
  return { scenarioId: decodeURIComponent(m[1]), apiPath: m[2] ?? '/' };
}

export async function handleApi(ctx, store, pathname) {
  const { req, res } = ctx;
  const { scenarioId, apiPath } = splitScenario(pathname);
  const normalized = apiPath.length > 1 ? apiPath.replace(/\/+$/, '') : apiPath;
  const target = geminiTarget(normalized);
  const flavour = normalized.startsWith('/v1/messages') ? 'anthropic' : target ? 'gemini' : 'openai';
  const scenario = store.get(scenarioId);

  const text = await readBody(req);
  const parsed = parseJson(text);
  const record = recordRequest(scenario, req, apiPath, parsed.ok ? parsed.value : null);
  const markAborted = () => {
    if (!res.writableEnded && !ctx.serverReset) record.aborted = true;
  };
  if (ctx.closed) markAborted();
  else res.on('close', markAborted);

  const handler =
    target && req.method === 'POST'
      ? (ctx2, body, plan) => gemini(ctx2, body, plan, target)
      : ROUTES[`${req.method} ${normalized}`];
  if (!handler) {
    const status = ROUTE_PATHS.has(normalized) ? 405 : 404;
    return sendError(res, flavour, { status, message: `No route for ${req.method} ${apiPath}` });
  }
  if (req.method === 'POST' && (!parsed.ok || parsed.empty)) {
    return sendError(res, flavour, {
      status: 400,
      message: 'Request body is not valid JSON',
      type: 'invalid_request_error',
    });
  }

  const config = scenario.config;
  const seq = ++scenario.apiCount;
  await applyMode(ctx, { config, seq, flavour, handler, body: parsed.value });
}

async function applyMode(ctx, { config, seq, flavour, handler, body }) {
  const { req, res } = ctx;
  const firstByteMs = Number(config.first_byte_ms ?? (config.mode === 'delay' ? 1000 : 0));
  if (config.mode === 'reset') {
    ctx.serverReset = true;
    req.socket.destroy();
    return;
  }
  if (config.mode === 'hang') return; // answered never; the socket is destroyed on close()
  if (isDeadKey(req, config)) return sendError(res, flavour, deadKeyError(flavour, config));
  if (firstByteMs > 0) {
    await wait(firstByteMs, ctx);
    if (ctx.closed) return;
  }
  if (config.mode === 'error') return sendError(res, flavour, config);
  if (config.mode === 'fail_then_ok' && seq <= Number(config.failures ?? 3)) {
    return sendError(res, flavour, { ...config, status: config.status ?? 500 });
  }
  await handler(ctx, body, buildPlan(config, seq));
}

/** The upstream key a request carries, in any provider's header (or Gemini's `?key=`). */
function requestKey(req) {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1].trim();
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'];
  if (header) return String(header);
  return new URL(req.url, 'http://fake').searchParams.get('key');
}

/** `dead_keys: [key, ...]`: those keys are refused whatever the mode (401 invalid key, or `dead_key_status`, e.g. 402 or 429 out of credit). */
function isDeadKey(req, config) {
  return Array.isArray(config.dead_keys) && config.dead_keys.includes(requestKey(req));
}

function deadKeyError(flavour, config) {
  const status = Number(config.dead_key_status ?? 401);
  if (status === 401) {
    return flavour === 'anthropic'
      ? { status, message: 'invalid x-api-key' }
      : flavour === 'gemini'
        ? { status: 400, message: 'API key not valid. Please pass a valid API key.', reason: 'API_KEY_INVALID' }
        : { status, message: 'Incorrect API key provided.', code: 'invalid_api_key' };
  }
  return {
    status,
    message: 'You exceeded your current quota, please check your plan and billing details.',
    code: 'insufficient_quota',
    type: 'insufficient_quota',
  };
}
