// Each SDK against a channel of the other format: the relay converts requests, answers and streams.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
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
  upstreamRequests,
} from './helpers.mjs';

const price = { model_ratio: 2, completion_ratio: 4 };

describe('format conversion', () => {
  test('the openai SDK reaches an anthropic channel, streamed and not', async () => {
    const { model, user, token, channel } = await setupCustomer({ type: 'anthropic', price });
    const client = new OpenAI({ apiKey: token.key, baseURL: `${RELAY_URL}/v1`, maxRetries: 0 });
    const before = await balance(user.id);
    const completion = await client.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    assert.equal(completion.choices[0].message.content, FAKE_CONTENT);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage?.prompt_tokens, FAKE_USAGE.prompt);
    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.path, '/v1/messages');
    assert.equal(seen.body.system, 'Be brief.');

    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, FAKE_CONTENT);
    assert.equal(usage?.completion_tokens, FAKE_USAGE.completion);
    await expectBalance(user.id, before - 2 * expectedCharge(FAKE_USAGE, price));
  });

  test('the anthropic SDK reaches an openai channel, streamed and not', async () => {
    const { model, user, token, channel } = await setupCustomer({ type: 'openai', price });
    const client = new Anthropic({ apiKey: token.key, baseURL: RELAY_URL, maxRetries: 0 });
    const before = await balance(user.id);
    const { data: message, response } = await client.messages
      .create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    assert.equal(message.content[0].type, 'text');
    assert.equal(message.content[0].text, FAKE_CONTENT);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, FAKE_USAGE.completion);
    const [seen] = await upstreamRequests(channel.scenario);
    assert.equal(seen.path, '/v1/chat/completions');
    const row = await findLog(response.headers.get('x-request-id'), { userId: user.id });
    assert.equal(row.quota, expectedCharge(FAKE_USAGE, price));

    const stream = client.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    const deltas = [];
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    assert.equal(deltas.join(''), FAKE_CONTENT);
    assert.equal(final.content[0].text, FAKE_CONTENT);
    assert.equal(final.usage.output_tokens, FAKE_USAGE.completion);
    await expectBalance(user.id, before - 2 * expectedCharge(FAKE_USAGE, price));
  });
});
