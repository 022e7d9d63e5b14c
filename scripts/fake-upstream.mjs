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
// The parts live in ./fake-upstream/; this file is the entry (startFakeUpstream and the CLI).

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { handleApi } from './fake-upstream/api.mjs';
import { handleControl } from './fake-upstream/control.mjs';
import { sendError, sendJson } from './fake-upstream/http.mjs';
import { createScenarioStore } from './fake-upstream/scenarios.mjs';

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
