// Self test for scripts/fake-upstream.mjs.  Run: node test/fake-upstream.selftest.mjs
import assert from 'node:assert/strict';
import { startFakeUpstream } from '../scripts/fake-upstream.mjs';

const upstream = await startFakeUpstream();
const base = upstream.url;
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// Watchdog: never let a broken test keep the process alive (unref'd, so it does not hold it either).
setTimeout(() => {
  console.error('selftest timed out');
  process.exit(2);
}, 20_000).unref();

// ---------------------------------------------------------------- helpers

async function control(scenario, config) {
  const res = await fetch(`${base}/__control/${scenario}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
}

async function requestsOf(scenario) {
  const res = await fetch(`${base}/__control/${scenario}/requests`);
  return (await res.json()).requests;
}

/** POST to a scenario (null = unprefixed/default). Header values of undefined are dropped. */
function post(scenario, path, body, headers = {}, signal = undefined) {
  const prefix = scenario ? `/s/${scenario}` : '';
  const merged = { 'content-type': 'application/json', authorization: 'Bearer sk-up', ...headers };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return fetch(`${base}${prefix}${path}`, {
    method: 'POST',
    headers: merged,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/** Parses an SSE body into [{ event?, data?, comment? }]. */
function parseSse(text) {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const out = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) out.comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) out.event = line.slice(7);
        else if (line.startsWith('data: ')) out.data = line.slice(6);
      }
      return out;
    });
}

const dataEvents = (events) => events.filter((e) => e.data !== undefined);
const json = (events) =>
  dataEvents(events)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data));

async function waitFor(predicate, timeoutMs = 2000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('condition not met in time');
}

// ---------------------------------------------------------------- tests

test('chat non-stream ok', async () => {
  const res = await post('chat1', '/v1/chat/completions', {
    model: 'gpt-x',
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.match(body.id, /^chatcmpl-fake/);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'gpt-x');
  assert.deepEqual(body.choices[0].message.role, 'assistant');
  assert.equal(body.choices[0].message.content, 'Hello from the fake upstream.');
  assert.equal(body.choices[0].finish_reason, 'stop');
  assert.deepEqual(body.usage, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  const [rec] = await requestsOf('chat1');
  assert.equal(rec.method, 'POST');
  assert.equal(rec.path, '/v1/chat/completions');
  assert.equal(rec.headers.authorization, 'Bearer sk-up');
  assert.equal(rec.body.model, 'gpt-x');
  assert.equal(rec.aborted, false);
});

test('chat stream without include_usage has no usage', async () => {
  const res = await post('chat2', '/v1/chat/completions', { model: 'm', stream: true });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const events = parseSse(await res.text());
  assert.equal(events[0].comment, 'keep-alive'); // first request of a scenario gets a comment
  assert.equal(dataEvents(events).at(-1).data, '[DONE]');
  const chunks = json(events);
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), 'Hello from the fake upstream.');
  assert.deepEqual(
    chunks.slice(1, 3).map((c) => c.choices[0].delta.content),
    ['Hello', ' from'],
  );
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  assert.ok(chunks.every((c) => !('usage' in c)));
});

test('chat stream with include_usage ends with usage chunk', async () => {
  await control('chat3', { mode: 'ok', content: 'a b', usage: { prompt_tokens: 7, cached_tokens: 3 } });
  const res = await post('chat3', '/v1/chat/completions', {
    model: 'm',
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = json(parseSse(await res.text()));
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, {
    prompt_tokens: 7,
    completion_tokens: 2,
    total_tokens: 9,
    prompt_tokens_details: { cached_tokens: 3 },
  });
  assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
});

test('no_usage mode omits usage everywhere', async () => {
  await control('nousage', { mode: 'no_usage' });
  const stream = await post('nousage', '/v1/chat/completions', {
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = json(parseSse(await stream.text()));
  assert.ok(chunks.every((c) => !('usage' in c) && c.choices.length === 1));
  const plain = await (await post('nousage', '/v1/chat/completions', {})).json();
  assert.ok(!('usage' in plain));
  const msg = await post('nousage', '/v1/messages', { model: 'c', stream: true, max_tokens: 5, messages: [] });
  const events = json(parseSse(await msg.text()));
  assert.ok(!('usage' in events[0].message));
  assert.ok(!('usage' in events.find((e) => e.type === 'message_delta')));
});

test('anthropic messages non-stream', async () => {
  await control('anth1', { mode: 'ok', usage: { prompt_tokens: 12, completion_tokens: 4, cached_tokens: 2 } });
  const res = await post(
    'anth1',
    '/v1/messages',
    { model: 'claude-x', max_tokens: 10, messages: [] },
    {
      authorization: undefined,
      'x-api-key': 'sk-ant',
      'anthropic-version': '2023-06-01',
    },
  );
  const body = await res.json();
  assert.match(body.id, /^msg_fake/);
  assert.equal(body.type, 'message');
  assert.equal(body.model, 'claude-x');
  assert.deepEqual(body.content, [{ type: 'text', text: 'Hello from the fake upstream.' }]);
  assert.equal(body.stop_reason, 'end_turn');
  assert.deepEqual(body.usage, { input_tokens: 12, output_tokens: 4, cache_read_input_tokens: 2 });
  const [rec] = await requestsOf('anth1');
  assert.equal(rec.headers['x-api-key'], 'sk-ant');
  assert.equal(rec.headers['anthropic-version'], '2023-06-01');
  assert.equal(rec.headers.authorization, undefined);
});

test('anthropic messages stream event sequence', async () => {
  const res = await post('anth2', '/v1/messages', { model: 'claude-x', stream: true, max_tokens: 10, messages: [] });
  const events = parseSse(await res.text());
  const names = events.map((e) => e.event);
  assert.deepEqual(names, [
    'message_start',
    'content_block_start',
    'ping',
    ...Array(5).fill('content_block_delta'),
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  const payloads = json(events);
  assert.deepEqual(payloads[0].message.usage, { input_tokens: 10, output_tokens: 1 });
  assert.equal(
    payloads
      .filter((p) => p.type === 'content_block_delta')
      .map((p) => p.delta.text)
      .join(''),
    'Hello from the fake upstream.',
  );
  const delta = payloads.find((p) => p.type === 'message_delta');
  assert.equal(delta.delta.stop_reason, 'end_turn');
  assert.deepEqual(delta.usage, { output_tokens: 5 });
});

test('legacy completions, embeddings, models, default scenario', async () => {
  const plain = await (await post(null, '/v1/completions', { model: 'inst', prompt: 'x' })).json();
  assert.equal(plain.object, 'text_completion');
  assert.equal(plain.choices[0].text, 'Hello from the fake upstream.');
  const stream = await post(null, '/v1/completions', {
    model: 'inst',
    prompt: 'x',
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = json(parseSse(await stream.text()));
  assert.equal(chunks.map((c) => c.choices[0]?.text ?? '').join(''), 'Hello from the fake upstream.');
  assert.equal(chunks.at(-1).usage.total_tokens, 15);
  const emb = await (await post('emb', '/v1/embeddings', { model: 'e', input: ['a', 'b'] })).json();
  assert.equal(emb.object, 'list');
  assert.equal(emb.data.length, 2);
  assert.equal(emb.data[1].embedding.length, 8);
  assert.deepEqual(emb.usage, { prompt_tokens: 10, total_tokens: 10 });
  const models = await (await fetch(`${base}/s/m/v1/models`)).json();
  assert.equal(models.data[0].id, 'gpt-4o-mini');
  const recs = await requestsOf('default');
  assert.equal(recs.length, 2);
});

test('error mode (openai + anthropic shapes, retry-after)', async () => {
  await control('err1', { mode: 'error', status: 401, code: 'invalid_api_key', message: 'bad key' });
  const res = await post('err1', '/v1/chat/completions', {});
  assert.equal(res.status, 401);
  const body = await res.json();
  assert.equal(body.error.code, 'invalid_api_key');
  assert.equal(body.error.message, 'bad key');
  assert.equal(typeof body.error.type, 'string');

  await control('err2', { mode: 'error', status: 429, retry_after: 3 });
  const limited = await post('err2', '/v1/messages', {});
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '3');
  const anth = await limited.json();
  assert.equal(anth.type, 'error');
  assert.equal(anth.error.type, 'rate_limit_error');
});

test('dead_keys: the named keys are refused in each provider shape, the others served', async () => {
  await control('dk1', { mode: 'ok', dead_keys: ['sk-revoked'] });
  const good = await post('dk1', '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(good.status, 200);
  const openai = await post('dk1', '/v1/chat/completions', {}, { authorization: 'Bearer sk-revoked' });
  assert.equal(openai.status, 401);
  assert.equal((await openai.json()).error.code, 'invalid_api_key');
  const anth = await post('dk1', '/v1/messages', {}, { authorization: undefined, 'x-api-key': 'sk-revoked' });
  assert.equal(anth.status, 401);
  assert.equal((await anth.json()).error.type, 'authentication_error');
  await control('dk2', { mode: 'ok', dead_keys: ['sk-broke'], dead_key_status: 429 });
  const broke = await post('dk2', '/v1/chat/completions', {}, { authorization: 'Bearer sk-broke' });
  assert.equal(broke.status, 429);
  assert.equal((await broke.json()).error.code, 'insufficient_quota');
  const recorded = await requestsOf('dk1');
  assert.deepEqual(
    recorded.map((r) => r.headers.authorization ?? r.headers['x-api-key']),
    ['Bearer sk-up', 'Bearer sk-revoked', 'sk-revoked'],
  );
});

test('invalid JSON -> 400, bad path -> 404, unknown mode rejected', async () => {
  const bad = await post('v', '/v1/chat/completions', '{nope');
  assert.equal(bad.status, 400);
  assert.ok((await bad.json()).error.message);
  const missing = await post('v', '/v1/nothing', {});
  assert.equal(missing.status, 404);
  await missing.arrayBuffer();
  const ctl = await fetch(`${base}/__control/v`, { method: 'PUT', body: JSON.stringify({ mode: 'bogus' }) });
  assert.equal(ctl.status, 400);
  await ctl.arrayBuffer();
});

test('reset mode makes fetch fail', async () => {
  await control('rst', { mode: 'reset' });
  await assert.rejects(post('rst', '/v1/chat/completions', {}));
  const [rec] = await requestsOf('rst');
  assert.equal(rec.aborted, false);
});

test('hang + client abort is recorded as aborted', async () => {
  await control('hang', { mode: 'hang' });
  const ac = new AbortController();
  const pending = fetch(`${base}/s/hang/v1/chat/completions`, { method: 'POST', body: '{}', signal: ac.signal });
  await waitFor(async () => (await requestsOf('hang')).length === 1);
  ac.abort();
  await assert.rejects(pending);
  await waitFor(async () => (await requestsOf('hang'))[0].aborted === true);
});

test('slow_stream disconnect mid-stream is recorded as aborted', async () => {
  await control('slow', { mode: 'slow_stream', gap_ms: 30, chunks: 50 });
  const ac = new AbortController();
  const res = await post('slow', '/v1/chat/completions', { stream: true }, {}, ac.signal);
  const reader = res.body.getReader();
  await reader.read();
  await reader.read();
  ac.abort();
  await reader.cancel().catch(() => {});
  await waitFor(async () => (await requestsOf('slow'))[0].aborted === true);
});

test('slow_stream full read has N " tok" chunks', async () => {
  await control('slow2', { mode: 'slow_stream', gap_ms: 5, chunks: 4 });
  const started = Date.now();
  const chunks = json(parseSse(await (await post('slow2', '/v1/chat/completions', { stream: true })).text()));
  assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), ' tok tok tok tok');
  assert.ok(Date.now() - started >= 20);
});

test('delay mode waits before the first byte', async () => {
  await control('delay', { mode: 'delay', first_byte_ms: 150 });
  const started = Date.now();
  const res = await post('delay', '/v1/chat/completions', {});
  assert.ok(Date.now() - started >= 140);
  assert.equal(res.status, 200);
  await res.json();
});

test('fail_then_ok sequence and DELETE reset', async () => {
  await control('fto', { mode: 'fail_then_ok', failures: 2, status: 503 });
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const res = await post('fto', '/v1/chat/completions', {});
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  assert.deepEqual(statuses, [503, 503, 200]);
  assert.equal((await requestsOf('fto')).length, 3);
  const del = await fetch(`${base}/__control/fto`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  await del.arrayBuffer();
  assert.equal((await requestsOf('fto')).length, 0);
  const after = await post('fto', '/v1/chat/completions', {});
  assert.equal(after.status, 200);
  await after.arrayBuffer();
});

test('a still-hanging request does not block close()', async () => {
  await control('hang2', { mode: 'hang' });
  // Deliberately left pending: upstream.close() at the end must destroy its socket.
  post('hang2', '/v1/chat/completions', {}).catch(() => {});
  await waitFor(async () => (await requestsOf('hang2')).length === 1);
});

// ---------------------------------------------------------------- runner

let passed = 0;
let failed = 0;
for (const { name, fn } of tests) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n     ${err.stack ?? err}`);
  }
}
await upstream.close();
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
