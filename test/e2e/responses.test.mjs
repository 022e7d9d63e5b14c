// The Responses API through the official OpenAI client (what the Vercel AI SDK and OpenAI's agent
// tools speak): non-streamed and streamed, billed by its usage.
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
  setupCustomer,
} from './helpers.mjs';

const client = (key) => new OpenAI({ apiKey: key, baseURL: `${RELAY_URL}/v1`, maxRetries: 0 });

describe('responses (openai SDK)', () => {
  test('responses.create: output_text, usage, and the charge of the contract formula', async () => {
    const price = { model_ratio: 2.5, completion_ratio: 3 };
    const { model, user, token } = await setupCustomer({ price });
    const before = await balance(user.id);
    const { data, response } = await client(token.key)
      .responses.create({ model, input: 'Say hello.', instructions: 'Be brief.' })
      .withResponse();
    assert.equal(data.output_text, FAKE_CONTENT);
    assert.equal(data.usage.input_tokens, FAKE_USAGE.prompt);
    assert.equal(data.usage.output_tokens, FAKE_USAGE.completion);
    const expected = expectedCharge(FAKE_USAGE, price);
    assert.equal(Number(response.headers.get('x-quota-charged')), expected);
    await expectBalance(user.id, before - expected);
  });

  test('streamed: text deltas then response.completed, billed once', async () => {
    const price = { model_ratio: 1 };
    const { model, user, token } = await setupCustomer({ price });
    const before = await balance(user.id);
    const { data: stream, response } = await client(token.key)
      .responses.create({
        model,
        stream: true,
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Say hello.' }] }],
      })
      .withResponse();
    let text = '';
    let final = null;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') final = event.response;
    }
    assert.equal(text, FAKE_CONTENT);
    assert.equal(final?.status, 'completed');
    assert.equal(final?.usage.output_tokens, FAKE_USAGE.completion);
    const expected = expectedCharge(FAKE_USAGE, price);
    await expectBalance(user.id, before - expected);
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.is_stream, true);
    assert.equal(row.quota, expected);
  });

  test('an Anthropic channel: responses.create streamed and not, through Messages, billed by its usage', async () => {
    const price = { model_ratio: 1 };
    const { model, user, token } = await setupCustomer({ type: 'anthropic', price });
    const before = await balance(user.id);
    const plain = await client(token.key).responses.create({ model, input: 'Say hello.' });
    assert.equal(plain.status, 'completed');
    assert.ok(plain.output_text.length > 0);
    const stream = await client(token.key).responses.create({ model, input: 'Say hello.', stream: true });
    let text = '';
    let final = null;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') final = event.response;
    }
    assert.equal(text, plain.output_text);
    assert.equal(final?.output[0]?.content[0]?.text, text);
    const charged =
      plain.usage.input_tokens + plain.usage.output_tokens + (final.usage.input_tokens + final.usage.output_tokens);
    await expectBalance(user.id, before - charged);
  });
});
