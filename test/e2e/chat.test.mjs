// Chat completions through the official OpenAI client: content, headers, exact billing, logs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  FAKE_CONTENT,
  FAKE_USAGE,
  RELAY_URL,
  balance,
  expectBalance,
  expectedCharge,
  findLog,
  setPrice,
  setupCustomer,
  upstreamRequests,
} from './helpers.mjs';

const client = (key, opts = {}) => new OpenAI({ apiKey: key, baseURL: `${RELAY_URL}/v1`, maxRetries: 0, ...opts });
const messages = [{ role: 'user', content: 'Say hello.' }];

describe('chat completions (openai SDK)', () => {
  test('non-streamed: content, x-request-id, x-quota-charged, balance and log row match the formula', async () => {
    const price = { model_ratio: 2.5, completion_ratio: 3 };
    const { model, user, token, channel } = await setupCustomer({ price });
    const before = await balance(user.id);
    const { data, response } = await client(token.key).chat.completions.create({ model, messages }).withResponse();

    assert.equal(data.choices[0].message.content, FAKE_CONTENT);
    assert.equal(data.usage.prompt_tokens, FAKE_USAGE.prompt);
    assert.equal(data.usage.completion_tokens, FAKE_USAGE.completion);
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId, 'x-request-id header missing');
    const charged = Number(response.headers.get('x-quota-charged'));
    const expected = expectedCharge(FAKE_USAGE, price); // ceil((10 + 5*3) * 2.5) = 63
    assert.equal(expected, 63);
    assert.equal(charged, expected, 'x-quota-charged');

    await expectBalance(user.id, before - expected);
    const row = await findLog(requestId, { userId: user.id });
    assert.equal(row.request_id, requestId);
    assert.equal(row.prompt_tokens, FAKE_USAGE.prompt);
    assert.equal(row.completion_tokens, FAKE_USAGE.completion);
    assert.equal(row.quota, expected);
    assert.equal(row.model, model);
    assert.equal(row.is_stream, false);
    assert.equal(row.usage_counted, false);
    assert.equal(row.status, 200);
    assert.equal(row.attempts, 1);
    assert.equal(row.channel_id, channel.id);
    assert.equal(row.model_ratio, 2.5);
    assert.equal(row.completion_ratio, 3);
    assert.equal(row.group_ratio, 1);

    // The upstream got the request with the channel's key, not the customer's.
    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.path, '/v1/chat/completions');
    assert.equal(seen.body.model, model);
    assert.notEqual(seen.headers.authorization, `Bearer ${token.key}`);
    assert.match(seen.headers.authorization, /^Bearer sk-upstream-/);
  });

  test('decimal ratios are exact before the ceiling (0.1 * 30 is 3, not 4); cached tokens use cache_ratio', async () => {
    const price = { model_ratio: 0.1 };
    const usage = { prompt_tokens: 30, completion_tokens: 0 };
    const { model, user, token } = await setupCustomer({ price, channels: [{ mode: { mode: 'ok', usage } }] });
    const before = await balance(user.id);
    const { response } = await client(token.key).chat.completions.create({ model, messages }).withResponse();
    assert.equal(Number(response.headers.get('x-quota-charged')), 3);
    await expectBalance(user.id, before - 3);

    const cachedPrice = { model_ratio: 0.3, completion_ratio: 3, cache_ratio: 0.1 };
    const cachedUsage = { prompt_tokens: 100, completion_tokens: 5, cached_tokens: 40 };
    const c2 = await setupCustomer({ price: cachedPrice, channels: [{ mode: { mode: 'ok', usage: cachedUsage } }] });
    const { data, response: r2 } = await client(c2.token.key)
      .chat.completions.create({ model: c2.model, messages })
      .withResponse();
    assert.equal(data.usage.prompt_tokens_details.cached_tokens, 40);
    // (100 - 40 + 40*0.1 + 5*3) * 0.3 = 79 * 0.3 = 23.7 -> 24
    const expected = expectedCharge({ prompt: 100, completion: 5, cached: 40 }, cachedPrice);
    assert.equal(expected, 24);
    assert.equal(Number(r2.headers.get('x-quota-charged')), expected);
    const row = await findLog(r2.headers.get('x-request-id'), { userId: c2.user.id });
    assert.equal(row.cached_tokens, 40);
    assert.equal(row.quota, expected);
  });

  test("group ratio of the user's group applies", async () => {
    const group = `vip${Date.now().toString(36)}`;
    const price = { model_ratio: 2, completion_ratio: 2 };
    const { model, user, token } = await setupCustomer({ price, group });
    await setPrice(model, price, { [group]: 0.5 });
    const before = await balance(user.id);
    const { response } = await client(token.key).chat.completions.create({ model, messages }).withResponse();
    const expected = expectedCharge(FAKE_USAGE, { ...price, group_ratio: 0.5 }); // (10 + 10) * 2 * 0.5 = 20
    assert.equal(Number(response.headers.get('x-quota-charged')), expected);
    await expectBalance(user.id, before - expected);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.group_ratio, 0.5);
  });

  test('streamed without stream_options.include_usage: chunks concatenate, no usage chunk, billed', async () => {
    const price = { model_ratio: 2.5, completion_ratio: 3 };
    const { model, user, token, channel } = await setupCustomer({ price });
    const before = await balance(user.id);
    const { data: stream, response } = await client(token.key)
      .chat.completions.create({ model, messages, stream: true })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId, 'x-request-id header missing on a stream');
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, FAKE_CONTENT);
    assert.ok(chunks.length >= 5, `expected the word chunks, got ${chunks.length} chunk(s)`);
    const withUsage = chunks.filter((c) => c.usage);
    assert.equal(withUsage.length, 0, `client did not ask for usage but got ${JSON.stringify(withUsage)}`);
    assert.ok(
      chunks.every((c) => c.choices.length > 0),
      'a choice-less (usage-only) chunk reached the client',
    );

    // The relay asks the upstream for usage itself, so billing is exact anyway.
    const expected = expectedCharge(FAKE_USAGE, price);
    await expectBalance(user.id, before - expected);
    const row = await findLog(requestId, { userId: user.id });
    assert.equal(row.is_stream, true);
    assert.equal(row.quota, expected);
    assert.equal(row.prompt_tokens, FAKE_USAGE.prompt);
    assert.equal(row.completion_tokens, FAKE_USAGE.completion);
    assert.equal(row.usage_counted, false);
    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.body.stream, true);
  });

  test('streamed with stream_options.include_usage: the client receives usage, billed the same', async () => {
    const price = { model_ratio: 2.5, completion_ratio: 3 };
    const { model, user, token } = await setupCustomer({ price });
    const before = await balance(user.id);
    const { data: stream, response } = await client(token.key)
      .chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), FAKE_CONTENT);
    const usageChunks = chunks.filter((c) => c.usage);
    assert.equal(usageChunks.length, 1, 'expected exactly one usage chunk');
    assert.equal(usageChunks[0].usage.prompt_tokens, FAKE_USAGE.prompt);
    assert.equal(usageChunks[0].usage.completion_tokens, FAKE_USAGE.completion);
    const expected = expectedCharge(FAKE_USAGE, price);
    await expectBalance(user.id, before - expected);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.quota, expected);
  });

  test('an upstream that reports no usage: tokens counted with the tokenizer, usage_counted true', async () => {
    const price = { model_ratio: 1, completion_ratio: 2 };
    const { model, user, token } = await setupCustomer({ price, channels: [{ mode: { mode: 'no_usage' } }] });
    const before = await balance(user.id);
    const { data, response } = await client(token.key).chat.completions.create({ model, messages }).withResponse();
    assert.equal(data.choices[0].message.content, FAKE_CONTENT);
    const charged = Number(response.headers.get('x-quota-charged'));
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.usage_counted, true);
    assert.ok(row.prompt_tokens > 0, 'prompt tokens counted');
    assert.ok(row.completion_tokens > 0, 'completion tokens counted');
    assert.equal(row.quota, expectedCharge({ prompt: row.prompt_tokens, completion: row.completion_tokens }, price));
    assert.equal(charged, row.quota);
    await expectBalance(user.id, before - row.quota);
  });

  test('a charge beyond what the account holds takes what is left, capped: true, never below zero', async () => {
    const price = { model_ratio: 1 };
    const usage = { prompt_tokens: 10, completion_tokens: 1000 };
    const { model, user, token } = await setupCustomer({
      quota: 100,
      price,
      channels: [{ mode: { mode: 'ok', usage } }],
    });
    // max_tokens 5 keeps the reservation small; the upstream then reports far more
    const { response } = await client(token.key)
      .chat.completions.create({ model, messages, max_tokens: 5 })
      .withResponse();
    assert.equal(Number(response.headers.get('x-quota-charged')), 100);
    await expectBalance(user.id, 0);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.capped, true);
    assert.equal(row.quota, 100);
  });

  test('x-api-key works as well as Authorization: Bearer', async () => {
    const { model, token } = await setupCustomer();
    const res = await fetch(`${RELAY_URL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': token.key },
      body: JSON.stringify({ model, messages }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).choices[0].message.content, FAKE_CONTENT);
  });
});
