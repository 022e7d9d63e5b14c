// POST /v1/messages through the official Anthropic client against an `anthropic` channel.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import {
  FAKE_CONTENT,
  FAKE_USAGE,
  RELAY_URL,
  balance,
  expectBalance,
  expectedCharge,
  findLog,
  setupCustomer,
  upstreamRequests,
} from './helpers.mjs';

const client = (key) => new Anthropic({ apiKey: key, baseURL: RELAY_URL, maxRetries: 0, timeout: 20_000 });
const messages = [{ role: 'user', content: 'Say hello.' }];

describe('anthropic messages (@anthropic-ai/sdk)', () => {
  test('non-streamed: content, headers, billed from Anthropic usage', async () => {
    const price = { model_ratio: 3, completion_ratio: 5 };
    const { model, user, token, channel } = await setupCustomer({ type: 'anthropic', price });
    const before = await balance(user.id);
    const { data, response } = await client(token.key)
      .messages.create({ model, max_tokens: 64, messages })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.content[0].type, 'text');
    assert.equal(data.content[0].text, FAKE_CONTENT);
    assert.equal(data.usage.input_tokens, FAKE_USAGE.prompt);
    assert.equal(data.usage.output_tokens, FAKE_USAGE.completion);
    const expected = expectedCharge(FAKE_USAGE, price); // (10 + 5*5) * 3 = 105
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId, 'x-request-id header missing');
    assert.equal(Number(response.headers.get('x-quota-charged')), expected);
    await expectBalance(user.id, before - expected);
    const row = await findLog(requestId, { userId: user.id });
    assert.equal(row.prompt_tokens, FAKE_USAGE.prompt);
    assert.equal(row.completion_tokens, FAKE_USAGE.completion);
    assert.equal(row.quota, expected);

    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.path, '/v1/messages');
    assert.match(seen.headers['x-api-key'] ?? '', /^sk-upstream-/, 'the channel key goes upstream as x-api-key');
    assert.ok(seen.headers['anthropic-version'], 'anthropic-version header passed upstream');
  });

  test('streamed with messages.stream(): text deltas and finalMessage(), billed from Anthropic usage', async () => {
    const price = { model_ratio: 3, completion_ratio: 5 };
    const { model, user, token } = await setupCustomer({ type: 'anthropic', price });
    const before = await balance(user.id);
    const stream = client(token.key).messages.stream({ model, max_tokens: 64, messages });
    const deltas = [];
    stream.on('text', (t) => deltas.push(t));
    const { response } = await stream.withResponse();
    const requestId = response.headers.get('x-request-id');
    const final = await stream.finalMessage();
    assert.equal(final.content[0].text, FAKE_CONTENT);
    assert.equal(deltas.join(''), FAKE_CONTENT);
    assert.ok(deltas.length >= 5, `expected the word deltas, got ${deltas.length}`);
    assert.equal(final.usage.input_tokens, FAKE_USAGE.prompt);
    assert.equal(final.usage.output_tokens, FAKE_USAGE.completion);
    const expected = expectedCharge(FAKE_USAGE, price);
    await expectBalance(user.id, before - expected);
    assert.ok(requestId, 'x-request-id header missing on a stream');
    const row = await findLog(requestId, { userId: user.id });
    assert.equal(row.is_stream, true);
    assert.equal(row.quota, expected);
    assert.equal(row.usage_counted, false);
  });
});
