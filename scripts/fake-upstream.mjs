// Fake upstream LLM provider (OpenAI + Anthropic shapes) for tests and benchmarks.
//
// Usage:
//   import { startFakeUpstream } from './scripts/fake-upstream.mjs';
//   const up = await startFakeUpstream();           // { port, url, close() }
//   node scripts/fake-upstream.mjs --port 9100      // CLI
//
// Scenarios: requests under /s/<scenario>/... belong to <scenario>; any other
// path belongs to the "default" scenario. Behaviour per scenario is set through
// the control API (PUT/GET/DELETE /__control/<scenario>[/requests]).
// Only node:http is used, no dependencies.

import http from 'node:http';
import { pathToFileURL } from 'node:url';

const MAX_SCENARIOS = 10_000;
const MAX_RECORDS_PER_SCENARIO = 1_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_CONTENT = 'Hello from the fake upstream.';
const DEFAULT_PROMPT_TOKENS = 10;
const DEFAULT_SCENARIO = 'default';
// cut_stream: streams `cut_after` chunks, then drops the connection without the closing event.
// error_stream: streams `error_after` chunks (default 0), then an error event, then ends.
// reset_body: a non-streamed answer whose connection is reset half-way through the body.
const MODES = new Set(['ok', 'error', 'reset', 'hang', 'delay', 'no_usage', 'slow_stream', 'fail_then_ok', 'cut_stream', 'error_stream', 'reset_body']);
const RECORDED_HEADERS = ['authorization', 'x-api-key', 'anthropic-version', 'content-type'];

// ---------------------------------------------------------------------------
// Scenario state (bounded: oldest scenarios evicted, records capped)
// ---------------------------------------------------------------------------

function newScenario() {
  return { config: { mode: 'ok' }, requests: [], apiCount: 0 };
}

function createScenarioStore() {
  const scenarios = new Map();
  return {
    peek: (id) => scenarios.get(id),
    get(id) {
      let s = scenarios.get(id);
      if (!s) {
        if (scenarios.size >= MAX_SCENARIOS) scenarios.delete(scenarios.keys().next().value);
        s = newScenario();
        scenarios.set(id, s);
      }
      return s;
    },
    configure(id, config) {
      const s = this.get(id);
      s.config = config;
      s.apiCount = 0;
    },
    reset: (id) => scenarios.delete(id),
  };
}

function recordRequest(scenario, req, apiPath, body) {
  const headers = {};
  for (const name of RECORDED_HEADERS) {
    if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  }
  const record = {
    method: req.method,
    path: apiPath,
    url: req.url,
    headers,
    all_headers: { ...req.headers },
    body,
    aborted: false,
    at: Date.now(),
  };
  scenario.requests.push(record);
  if (scenario.requests.length > MAX_RECORDS_PER_SCENARIO) scenario.requests.shift();
  return record;
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

let idCounter = 0;
const nextId = (prefix) => `${prefix}${(++idCounter).toString().padStart(8, '0')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true; // keep draining so a 413 can still be sent
      else parts.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(Object.assign(new Error('request body too large'), { status: 413 }));
      else resolve(Buffer.concat(parts).toString('utf8'));
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(Object.assign(new Error('client closed during request body'), { status: 499 }));
    });
  });
}

/** @returns {{ ok: true, value: any } | { ok: false }} */
function parseJson(text) {
  if (text.trim() === '') return { ok: true, value: null, empty: true };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function sendJson(res, status, payload, headers = {}) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Resolves after `ms`, or earlier when the response closes. */
function wait(ms, ctx) {
  return new Promise((resolve) => {
    if (ctx.closed) return resolve();
    const done = () => {
      clearTimeout(timer);
      ctx.res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    ctx.res.once('close', done);
  });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** "Hello from the fake" -> ["Hello", " from", " the", " fake"] (whitespace kept). */
function splitWords(content) {
  const chunks = content.match(/\s*\S+/g) ?? [];
  const rest = content.slice(chunks.join('').length);
  if (rest) {
    if (chunks.length) chunks[chunks.length - 1] += rest;
    else chunks.push(rest);
  }
  return chunks;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

function openAiErrorDefaults(status) {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 429) return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
  if (status === 403) return { type: 'permission_error', code: null };
  if (status === 404) return { type: 'invalid_request_error', code: 'not_found' };
  if (status >= 400 && status < 500) return { type: 'invalid_request_error', code: null };
  return { type: 'server_error', code: null };
}

const ANTHROPIC_ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/**
 * @param {'openai'|'anthropic'} flavour
 * @param {{status?: number, message?: string, code?: string, type?: string, retry_after?: number|string}} opts
 */
function sendError(res, flavour, opts = {}) {
  const status = Number(opts.status ?? 500);
  const message = opts.message ?? `Fake upstream error (status ${status})`;
  const headers = {};
  if (opts.retry_after !== undefined) headers['retry-after'] = String(opts.retry_after);
  if (flavour === 'anthropic') {
    const type = opts.type ?? ANTHROPIC_ERROR_TYPES[status] ?? 'api_error';
    sendJson(res, status, { type: 'error', error: { type, message } }, headers);
    return;
  }
  const defaults = openAiErrorDefaults(status);
  const error = {
    message,
    type: opts.type ?? defaults.type,
    param: null,
    code: opts.code !== undefined ? opts.code : defaults.code,
  };
  sendJson(res, status, { error }, headers);
}

// ---------------------------------------------------------------------------
// Response plan: what an ok-ish answer contains for a given scenario config
// ---------------------------------------------------------------------------

function buildUsage(override, completionTokens) {
  const o = override ?? {};
  const prompt = o.prompt_tokens ?? DEFAULT_PROMPT_TOKENS;
  const completion = o.completion_tokens ?? completionTokens;
  return {
    prompt,
    completion,
    total: o.total_tokens ?? prompt + completion,
    cached: o.cached_tokens,
    cacheCreation: o.cache_creation_tokens,
  };
}

function openAiUsage(u) {
  const usage = { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.total };
  if (u.cached !== undefined) usage.prompt_tokens_details = { cached_tokens: u.cached };
  return usage;
}

function anthropicUsage(u, outputTokens = u.completion) {
  const usage = { input_tokens: u.prompt, output_tokens: outputTokens };
  if (u.cached !== undefined) usage.cache_read_input_tokens = u.cached;
  if (u.cacheCreation !== undefined) usage.cache_creation_input_tokens = u.cacheCreation;
  return usage;
}

function buildPlan(config, seq) {
  const mode = config.mode;
  const tokChunks = mode === 'slow_stream' || mode === 'cut_stream' || mode === 'error_stream';
  const chunks = tokChunks
    ? Array.from({ length: Number(config.chunks ?? 20) }, () => ' tok')
    : splitWords(String(config.content ?? DEFAULT_CONTENT));
  const keepalive = config.keepalive ?? ((mode === 'ok' || mode === 'delay') && seq % 2 === 1);
  return {
    chunks,
    content: chunks.join(''),
    usage: mode === 'no_usage' ? null : buildUsage(config.usage, chunks.length),
    gapMs: mode === 'slow_stream' ? Number(config.gap_ms ?? 200) : Number(config.gap_ms ?? 0),
    keepalive,
    /** Content chunks sent before the stream is cut or errors (null: the whole stream). */
    cutAfter: mode === 'cut_stream' ? Number(config.cut_after ?? 3) : null,
    errorAfter: mode === 'error_stream' ? Number(config.error_after ?? 0) : null,
    resetBody: mode === 'reset_body',
    /** cut_stream ends the response cleanly by default; `reset: true` drops the connection instead. */
    cutByReset: config.reset === true,
    thinking: typeof config.thinking === 'string' ? config.thinking : null,
    toolArgs: typeof config.tool_args === 'string' ? config.tool_args : null,
  };
}

// ---------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------

const sseData = (payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
const sseEvent = (payload) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;

/**
 * Writes each event in its own write, pausing `gapMs` (or one event-loop turn) between them.
 * `firstContent` is the index of the first content event: a plan with `cutAfter` drops the
 * connection after that many content events; one with `errorAfter` sends `errorEvent` there and ends.
 */
async function writeStream(ctx, events, plan, firstContent = 0, errorEvent = '', endOfContent = events.length) {
  const { res } = ctx;
  let list = events;
  let cut = false;
  if (plan.cutAfter !== null) {
    // Cutting after every content chunk keeps whatever follows them, up to the closing events.
    list = events.slice(0, plan.cutAfter >= plan.chunks.length ? endOfContent : firstContent + plan.cutAfter);
    cut = true;
  } else if (plan.errorAfter !== null) {
    list = [...events.slice(0, firstContent + plan.errorAfter), errorEvent];
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (let i = 0; i < list.length; i++) {
    if (i > 0) await (plan.gapMs > 0 ? wait(plan.gapMs, ctx) : nextTurn());
    if (ctx.closed) return;
    res.write(list[i]);
  }
  if (cut && plan.cutByReset) {
    await nextTurn();
    ctx.serverReset = true;
    res.socket?.destroy();
    return;
  }
  res.end();
}

/** A JSON answer whose connection is reset after half of its body. */
function sendHalfThenReset(ctx, payload) {
  const body = JSON.stringify(payload);
  ctx.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  ctx.res.write(body.slice(0, Math.floor(body.length / 2)));
  setTimeout(() => {
    ctx.serverReset = true;
    ctx.res.socket?.destroy();
  }, 20);
}

const wantsUsageChunk = (body, plan) => plan.usage !== null && body?.stream_options?.include_usage === true;

// ---------------------------------------------------------------------------
// Endpoint handlers (ok behaviour)
// ---------------------------------------------------------------------------

function chatCompletions(ctx, body, plan) {
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
  const error = sseData({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } });
  return writeStream(ctx, events, plan, firstContent, error, endOfContent);
}

function legacyCompletions(ctx, body, plan) {
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
  return writeStream(ctx, events, plan, plan.keepalive ? 1 : 0, sseData({ error: { message: 'server error', type: 'server_error' } }));
}

function fakeEmbedding(input, index) {
  const text = typeof input === 'string' ? input : JSON.stringify(input ?? '');
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return Array.from({ length: 8 }, (_, i) => Number(Math.sin(hash + index * 8 + i).toFixed(6)));
}

function embeddings(ctx, body, plan) {
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

function models(ctx) {
  sendJson(ctx.res, 200, {
    object: 'list',
    data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'fake' }],
  });
}

/** Content blocks of a plan: optional thinking, the text, an optional tool call. */
function anthropicBlocks(plan) {
  const blocks = [];
  if (plan.thinking) blocks.push({ type: 'thinking', thinking: plan.thinking, signature: 'sig-fake' });
  blocks.push({ type: 'text', text: plan.content });
  if (plan.toolArgs) blocks.push({ type: 'tool_use', id: nextId('toolu_fake'), name: 'get_weather', input: JSON.parse(plan.toolArgs) });
  return blocks;
}

function anthropicMessages(ctx, body, plan) {
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
    if (plan.usage) message.usage = anthropicUsage(plan.usage);
    if (plan.resetBody) return sendHalfThenReset(ctx, message);
    return sendJson(ctx.res, 200, message);
  }
  const startMessage = { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null };
  if (plan.usage) startMessage.usage = anthropicUsage(plan.usage, 1);
  const messageDelta = { type: 'message_delta', delta: { stop_reason: plan.toolArgs ? 'tool_use' : 'end_turn', stop_sequence: null } };
  if (plan.usage) messageDelta.usage = { output_tokens: plan.usage.completion };
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
      for (const text of plan.chunks) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else {
      events.push(
        { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
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

const ROUTES = {
  'POST /v1/chat/completions': chatCompletions,
  'POST /v1/completions': legacyCompletions,
  'POST /v1/embeddings': embeddings,
  'GET /v1/models': models,
  'POST /v1/messages': anthropicMessages,
};
const ROUTE_PATHS = new Set(Object.keys(ROUTES).map((k) => k.split(' ')[1]));

// ---------------------------------------------------------------------------
// API request flow: record -> validate -> apply scenario mode
// ---------------------------------------------------------------------------

function splitScenario(pathname) {
  const m = /^\/s\/([^/]+)(\/.*)?$/.exec(pathname);
  if (!m) return { scenarioId: DEFAULT_SCENARIO, apiPath: pathname };
  return { scenarioId: decodeURIComponent(m[1]), apiPath: m[2] ?? '/' };
}

async function handleApi(ctx, store, pathname) {
  const { req, res } = ctx;
  const { scenarioId, apiPath } = splitScenario(pathname);
  const normalized = apiPath.length > 1 ? apiPath.replace(/\/+$/, '') : apiPath;
  const flavour = normalized === '/v1/messages' ? 'anthropic' : 'openai';
  const scenario = store.get(scenarioId);

  const text = await readBody(req);
  const parsed = parseJson(text);
  const record = recordRequest(scenario, req, apiPath, parsed.ok ? parsed.value : null);
  const markAborted = () => {
    if (!res.writableEnded && !ctx.serverReset) record.aborted = true;
  };
  if (ctx.closed) markAborted();
  else res.on('close', markAborted);

  const handler = ROUTES[`${req.method} ${normalized}`];
  if (!handler) {
    const status = ROUTE_PATHS.has(normalized) ? 405 : 404;
    return sendError(res, flavour, { status, message: `No route for ${req.method} ${apiPath}` });
  }
  if (req.method === 'POST' && (!parsed.ok || parsed.empty)) {
    return sendError(res, flavour, { status: 400, message: 'Request body is not valid JSON', type: 'invalid_request_error' });
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

// ---------------------------------------------------------------------------
// Control API
// ---------------------------------------------------------------------------

async function handleControl(ctx, store, pathname) {
  const { req, res } = ctx;
  const m = /^\/__control\/([^/]+)(\/requests)?\/?$/.exec(pathname);
  if (!m) return sendJson(res, 404, { ok: false, error: 'unknown control path' });
  const id = decodeURIComponent(m[1]);
  const isRequests = Boolean(m[2]);
  const text = await readBody(req);

  if (isRequests) {
    if (req.method === 'GET') return sendJson(res, 200, { requests: store.peek(id)?.requests ?? [] });
    if (req.method === 'DELETE') {
      const s = store.peek(id);
      if (s) s.requests = [];
      return sendJson(res, 200, { ok: true });
    }
  } else if (req.method === 'PUT') {
    const parsed = parseJson(text);
    const body = parsed.ok ? parsed.value ?? {} : null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return sendJson(res, 400, { ok: false, error: 'body must be a JSON object' });
    }
    const { options, ...rest } = body;
    const config = { ...(options && typeof options === 'object' ? options : {}), ...rest, mode: rest.mode ?? 'ok' };
    if (!MODES.has(config.mode)) {
      return sendJson(res, 400, { ok: false, error: `unknown mode ${config.mode}; expected one of ${[...MODES].join(', ')}` });
    }
    store.configure(id, config);
    return sendJson(res, 200, { ok: true });
  } else if (req.method === 'GET') {
    const s = store.peek(id);
    return sendJson(res, 200, { config: s?.config ?? { mode: 'ok' }, request_count: s?.requests.length ?? 0 });
  } else if (req.method === 'DELETE') {
    store.reset(id);
    return sendJson(res, 200, { ok: true });
  }
  return sendJson(res, 405, { ok: false, error: `method ${req.method} not allowed` });
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

function createHandler(store) {
  return async (req, res) => {
    const ctx = { req, res, closed: false, serverReset: false };
    res.on('close', () => (ctx.closed = true));
    const pathname = new URL(req.url, 'http://fake.local').pathname;
    try {
      if (pathname === '/__health') return sendJson(res, 200, { ok: true });
      if (pathname.startsWith('/__control/')) return await handleControl(ctx, store, pathname);
      return await handleApi(ctx, store, pathname);
    } catch (err) {
      if (ctx.closed || res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 'openai', { status: err.status ?? 500, message: `fake upstream: ${err.message}` });
    }
  };
}

/**
 * Starts the fake upstream.
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ port: number, url: string, close: () => Promise<void> }>}
 */
export async function startFakeUpstream({ port = 0, host = '127.0.0.1' } = {}) {
  const store = createScenarioStore();
  const server = http.createServer(createHandler(store));
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const actualPort = server.address().port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closing = null;
  const close = () => {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
    return closing;
  };
  return { port: actualPort, url: `http://${urlHost}:${actualPort}`, close };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { port: 9100, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[i + 1];
    if (flag === '--port') args.port = Number(value);
    else if (flag === '--host') args.host = value;
    else continue;
    if (inline === undefined) i++;
  }
  return args;
}

async function main() {
  const { port, host } = parseArgs(process.argv.slice(2));
  const upstream = await startFakeUpstream({ port, host });
  console.log(`fake-upstream listening on ${upstream.url}`);
  const shutdown = async () => {
    await upstream.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
