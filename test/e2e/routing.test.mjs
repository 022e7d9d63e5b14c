// Failover between channels, upstream 400 pass-through, and a client abandoning a stream.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI, { BadRequestError } from 'openai';
import {
  FAKE_CONTENT,
  FAKE_USAGE,
  RELAY_URL,
  balance,
  expectBalance,
  expectUnchanged,
  expectedCharge,
  findLog,
  rejection,
  setupCustomer,
  upstreamRequests,
  waitFor,
} from './helpers.mjs';

const client = (key) => new OpenAI({ apiKey: key, baseURL: `${RELAY_URL}/v1`, maxRetries: 0, timeout: 20_000 });
const messages = [{ role: 'user', content: 'Say hello.' }];

describe('channels and streams (openai SDK)', () => {
  test('failover: the higher-priority channel answers 500, the next one serves; the log row says attempts 2', async () => {
    const price = { model_ratio: 1, completion_ratio: 2 };
    const { model, user, token, channels } = await setupCustomer({
      price,
      channels: [
        { priority: 10, mode: { mode: 'error', status: 500, message: 'primary is down' } },
        { priority: 0, mode: { mode: 'ok' } },
      ],
    });
    const [bad, good] = channels;
    const before = await balance(user.id);
    const { data, response } = await client(token.key).chat.completions.create({ model, messages }).withResponse();
    assert.equal(data.choices[0].message.content, FAKE_CONTENT);
    assert.equal((await upstreamRequests(bad.scenario)).length, 1, 'the higher-priority channel was tried first, once');
    assert.equal((await upstreamRequests(good.scenario)).length, 1);
    const expected = expectedCharge(FAKE_USAGE, price);
    assert.equal(Number(response.headers.get('x-quota-charged')), expected);
    await expectBalance(user.id, before - expected);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.attempts, 2);
    assert.equal(row.channel_id, good.id);
    assert.equal(row.status, 200);
    assert.equal(row.quota, expected);
  });

  test('failover on timeout: a channel that sends no first byte within UPSTREAM_TIMEOUT_MS (2 s) counts as failed', async () => {
    const { model, user, token, channels } = await setupCustomer({
      channels: [
        { priority: 10, mode: { mode: 'hang' } },
        { priority: 0, mode: { mode: 'ok' } },
      ],
    });
    const started = Date.now();
    const { data, response } = await client(token.key).chat.completions.create({ model, messages }).withResponse();
    const took = Date.now() - started;
    assert.equal(data.choices[0].message.content, FAKE_CONTENT);
    assert.ok(took >= 1900 && took < 6000, `took ${took} ms with UPSTREAM_TIMEOUT_MS=2000`);
    assert.equal((await upstreamRequests(channels[0].scenario)).length, 1);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.attempts, 2);
    assert.equal(row.channel_id, channels[1].id);
  });

  test('an upstream 400 about the request is passed back as it came and not retried', async () => {
    const { model, user, token, channels } = await setupCustomer({
      channels: [
        {
          priority: 10,
          mode: {
            mode: 'error',
            status: 400,
            message: "Invalid value for 'temperature': must be <= 2.",
            code: 'invalid_value',
          },
        },
        { priority: 0, mode: { mode: 'ok' } },
      ],
    });
    const [first, second] = channels;
    const before = await balance(user.id);
    const err = await rejection(() => client(token.key).chat.completions.create({ model, messages, temperature: 1 }));
    assert.ok(
      err instanceof BadRequestError,
      `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`,
    );
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_value');
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.error.message, "Invalid value for 'temperature': must be <= 2.");
    assert.equal((await upstreamRequests(first.scenario)).length, 1);
    assert.equal((await upstreamRequests(second.scenario)).length, 0, 'the 400 was retried on another channel');
    await expectUnchanged(user.id, before);
  });

  test('a client that abandons a slow stream: upstream cancelled, billed for prompt + delivered tokens', async () => {
    const price = { model_ratio: 1, completion_ratio: 2 };
    const chunksTotal = 20;
    const { model, user, token, channel } = await setupCustomer({
      price,
      channels: [{ mode: { mode: 'slow_stream', gap_ms: 300, chunks: chunksTotal } }],
    });
    const before = await balance(user.id);
    const controller = new AbortController();
    const { data: stream, response } = await client(token.key)
      .chat.completions.create({ model, messages, stream: true }, { signal: controller.signal })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    let delivered = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) delivered++;
        if (delivered >= 3) {
          controller.abort();
          break;
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
    const abandonedAt = Date.now();
    assert.equal(delivered, 3);

    // The relay cancels its upstream request promptly, long before the stream's natural end.
    const seen = await waitFor(
      async () => {
        const [r] = await upstreamRequests(channel.scenario);
        return r?.aborted ? r : null;
      },
      { timeoutMs: 3000, what: 'the upstream request to be aborted' },
    );
    assert.equal(seen.aborted, true);
    assert.ok(Date.now() - abandonedAt < 3000);

    const row = await findLog(requestId, { userId: user.id, timeoutMs: 3000 });
    assert.equal(row.usage_counted, true, 'usage_counted');
    assert.equal(row.is_stream, true);
    assert.ok(row.prompt_tokens > 0, 'prompt tokens counted');
    assert.ok(
      row.completion_tokens >= delivered,
      `completion tokens ${row.completion_tokens} < delivered ${delivered}`,
    );
    assert.ok(
      row.completion_tokens < chunksTotal,
      `completion tokens ${row.completion_tokens}: billed for the whole stream`,
    );
    const full = expectedCharge({ prompt: row.prompt_tokens, completion: chunksTotal }, price);
    assert.ok(row.quota > 0, 'an abandoned stream is still billed');
    assert.ok(row.quota < full, `charge ${row.quota} is not less than the full stream's ${full}`);
    assert.equal(row.quota, expectedCharge({ prompt: row.prompt_tokens, completion: row.completion_tokens }, price));
    await expectBalance(user.id, before - row.quota);
  });
});
