// A local stand-in for the public model table the price sync reads (LiteLLM's
// model_prices_and_context_window.json), served over plain HTTP as a static file host would:
//   PUT /tables/<name>        stores the body as it is (JSON or not: a test may serve garbage)
//   GET /tables/<name>        answers what was stored, as application/json; 404 for an unknown name
// Each test stores its own table under its own name, so tests do not see each other's prices.
import http from 'node:http';

export async function startPriceSource({ port = 0 } = {}) {
  const tables = new Map();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = /^\/tables\/([\w.-]+)$/.exec(url.pathname)?.[1];
    if (!name) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'PUT') {
      let body = '';
      for await (const chunk of req) body += chunk;
      tables.set(name, body);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' || !tables.has(name)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(tables.get(name));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
