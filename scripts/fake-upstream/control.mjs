// Control API: PUT/GET/DELETE /__control/<scenario>[/requests].

import { parseJson, readBody, sendJson } from './http.mjs';
import { MODES } from './scenarios.mjs';

export async function handleControl(ctx, store, pathname) {
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
    const body = parsed.ok ? (parsed.value ?? {}) : null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return sendJson(res, 400, { ok: false, error: 'body must be a JSON object' });
    }
    const { options, ...rest } = body;
    const config = { ...(options && typeof options === 'object' ? options : {}), ...rest, mode: rest.mode ?? 'ok' };
    if (!MODES.has(config.mode)) {
      return sendJson(res, 400, {
        ok: false,
        error: `unknown mode ${config.mode}; expected one of ${[...MODES].join(', ')}`,
      });
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
