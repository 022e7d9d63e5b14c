// Legacy completions, embeddings and the model list through the official OpenAI client.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  FAKE_CONTENT,
  FAKE_USAGE,
  RELAY_URL,
  balance,
  createChannel,
  createToken,
  createUser,
  expectBalance,
  expectedCharge,
  findLog,
  setPrice,
  setupCustomer,
  uid,
  upstreamRequests,
} from './helpers.mjs';

const client = (key) => new OpenAI({ apiKey: key, baseURL: `${RELAY_URL}/v1`, maxRetries: 0 });

describe('other OpenAI endpoints (openai SDK)', () => {
  test('legacy completions, non-streamed and streamed, billed by the formula', async () => {
    const price = { model_ratio: 1.5, completion_ratio: 2 };
    const { model, user, token, channel } = await setupCustomer({ price });
    const before = await balance(user.id);
    const { data, response } = await client(token.key)
      .completions.create({ model, prompt: 'Say hello.', max_tokens: 16 })
      .withResponse();
    assert.equal(data.choices[0].text, FAKE_CONTENT);
    const expected = expectedCharge(FAKE_USAGE, price); // (10 + 5*2) * 1.5 = 30
    assert.equal(Number(response.headers.get('x-quota-charged')), expected);
    assert.ok(response.headers.get('x-request-id'));
    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.path, '/v1/completions');

    const stream = await client(token.key).completions.create({
      model,
      prompt: 'Say hello.',
      max_tokens: 16,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.equal(text, FAKE_CONTENT);
    await expectBalance(user.id, before - 2 * expected);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.quota, expected);
  });

  test('embeddings are billed on prompt tokens', async () => {
    const price = { model_ratio: 0.7, completion_ratio: 4 };
    const { model, user, token, channel } = await setupCustomer({ price, model: uid('text-embedding-e2e') });
    const before = await balance(user.id);
    const { data, response } = await client(token.key)
      .embeddings.create({ model, input: ['hello world', 'second'], encoding_format: 'float' })
      .withResponse();
    assert.equal(data.data.length, 2);
    assert.equal(data.data[0].embedding.length, 8);
    assert.ok(data.data[0].embedding.every((x) => typeof x === 'number'));
    const expected = expectedCharge({ prompt: FAKE_USAGE.prompt, completion: 0 }, price); // 10 * 0.7 = 7
    assert.equal(Number(response.headers.get('x-quota-charged')), expected);
    await expectBalance(user.id, before - expected);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.prompt_tokens, FAKE_USAGE.prompt);
    assert.equal(row.completion_tokens, 0);
    assert.equal(row.quota, expected);
    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.path, '/v1/embeddings');
  });

  test('models.list() lists only the models this key may use', async () => {
    const group = `g${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
    const [m1, m2, other] = [uid('gpt-list-a'), uid('gpt-list-b'), uid('gpt-list-other')];
    await createChannel({ models: [m1, m2], groups: [group] });
    await createChannel({ models: [other] }); // default group only: not for this user
    await setPrice([m1, m2, other]);
    const user = await createUser({ group });
    const open = await createToken(user.id);
    const narrow = await createToken(user.id, { models: [m1] });

    const all = [];
    for await (const m of client(open.key).models.list()) all.push(m);
    assert.deepEqual(all.map((m) => m.id).sort(), [m1, m2].sort());
    assert.ok(all.every((m) => m.object === 'model'));

    const some = [];
    for await (const m of client(narrow.key).models.list()) some.push(m);
    assert.deepEqual(
      some.map((m) => m.id),
      [m1],
    );

    const res = await fetch(`${RELAY_URL}/v1/models`, { headers: { authorization: `Bearer ${narrow.key}` } });
    const body = await res.json();
    assert.equal(body.object, 'list');
    assert.ok(res.headers.get('x-request-id'));
  });
});
