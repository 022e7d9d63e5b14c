// HTTP plumbing for the fake upstream: request bodies, JSON and error answers, waits that end with the response.

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES)
        tooLarge = true; // keep draining so a 413 can still be sent
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
export function parseJson(text) {
  if (text.trim() === '') return { ok: true, value: null, empty: true };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function sendJson(res, status, payload, headers = {}) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Resolves after `ms`, or earlier when the response closes. */
export function wait(ms, ctx) {
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

export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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
export function sendError(res, flavour, opts = {}) {
  const status = Number(opts.status ?? 500);
  const message = opts.message ?? `Fake upstream error (status ${status})`;
  const headers = {};
  if (opts.retry_after !== undefined) headers['retry-after'] = String(opts.retry_after);
  if (flavour === 'gemini') {
    const statusName =
      {
        400: 'INVALID_ARGUMENT',
        401: 'UNAUTHENTICATED',
        403: 'PERMISSION_DENIED',
        404: 'NOT_FOUND',
        429: 'RESOURCE_EXHAUSTED',
        503: 'UNAVAILABLE',
      }[status] ?? 'INTERNAL';
    const details = opts.reason
      ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: opts.reason, domain: 'googleapis.com' }]
      : undefined;
    sendJson(
      res,
      status,
      { error: { code: status, message, status: statusName, ...(details ? { details } : {}) } },
      headers,
    );
    return;
  }
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
