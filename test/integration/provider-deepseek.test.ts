import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamRequests } from '../helpers';
import { logFor } from '../support/relay';

// A provider added as one folder (worker/relay/providers/deepseek) and one registry line.
describe('provider: deepseek (OpenAI-compatible, no /v1 prefix)', () => {
  it('serves chat natively on its own path with its own auth, and Anthropic Messages through the hub, billed from its usage', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'deepseek' },
      price: { model_ratio: 1, completion_ratio: 2 },
    });
    const res = await call<{ choices: { message: { content: string } }[] }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model),
    });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('Hello from the fake upstream.');
    expect(res.headers.get('x-quota-charged')).toBe('20');
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer upstream-key-${channel.scenario}`);

    const messages = await SELF.fetch(`${BASE}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': token.key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(messages.status).toBe(200);
    expect(await messages.json()).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hello from the fake upstream.' }],
    });
    const row = await logFor(user.jwt, messages.headers.get('x-request-id')!);
    expect(row).toMatchObject({ endpoint: 'messages', quota: 20, usage_counted: false });
    expect((await upstreamRequests(channel.scenario))[1].path).toBe('/chat/completions');
  });

  it('serves no format it does not speak: embeddings on a deepseek-only model is 404', async () => {
    const { token, model } = await setupCustomer({ channel: { type: 'deepseek' } });
    const res = await call('POST', '/v1/embeddings', { key: token.key, body: { model, input: 'hi' } });
    expect(res.status).toBe(404);
  });
});
