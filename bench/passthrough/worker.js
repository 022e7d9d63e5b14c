// A bare pass-through Worker: the baseline the relay is measured against in `npm run bench`.
// It forwards the request body to the fake upstream's /v1/chat/completions and returns the
// answer, with no auth, billing, logging or routing. UPSTREAM_URL comes from `--var`.
export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response('ok\n');
    const body = await request.text();
    const upstream = await fetch(`${env.UPSTREAM_URL.replace(/\/+$/, '')}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body,
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/json' },
    });
  },
};
