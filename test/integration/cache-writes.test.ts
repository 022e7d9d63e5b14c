import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamMode } from '../helpers';
import { logFor } from '../support/relay';

// Claude's cache writes as the issue measured them: 1,000 plain prompt tokens, 3,000 written to
// the 5-minute cache, 1,000 to the 1-hour cache, 740 completion tokens, at model_ratio 1.5 and
// completion_ratio 5 with writes at 1.25x and 2x: (1000 + 3000*1.25 + 1000*2 + 740*5) * 1.5.
const PRICE = { model_ratio: 1.5, completion_ratio: 5, cache_write_ratio: 1.25, cache_write_1h_ratio: 2 };
const USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 740,
  cache_creation_5m_tokens: 3000,
  cache_creation_1h_tokens: 1000,
};
const EXPECTED = 15_675;

const messagesBody = (model: string, stream = false) => ({
  model,
  max_tokens: 1000,
  stream,
  messages: [{ role: 'user', content: 'Hi' }],
});

async function streamed(path: string, key: string, body: unknown): Promise<Response> {
  const res = await SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: {
      'x-api-key': key,
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
  await res.text();
  return res;
}

describe('cache writes are billed as Anthropic bills them', () => {
  it('both cache lengths, read from the body and from the stream, on the native route', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' }, price: PRICE });
    await upstreamMode(channel.scenario, 'ok', { usage: USAGE });
    const res = await call('POST', '/v1/messages', {
      headers: { 'x-api-key': token.key, 'anthropic-version': '2023-06-01' },
      body: messagesBody(model),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-quota-charged')).toBe(String(EXPECTED));
    expect(await logFor(user.jwt, res.headers.get('x-request-id')!)).toMatchObject({
      prompt_tokens: 5000,
      completion_tokens: 740,
      quota: EXPECTED,
    });

    const stream = await streamed('/v1/messages', token.key, messagesBody(model, true));
    expect(await logFor(user.jwt, stream.headers.get('x-request-id')!)).toMatchObject({
      prompt_tokens: 5000,
      completion_tokens: 740,
      quota: EXPECTED,
      usage_counted: false,
    });
  });

  it('a bare cache_creation_input_tokens counts as 5-minute writes', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' }, price: PRICE });
    await upstreamMode(channel.scenario, 'ok', {
      usage: { prompt_tokens: 1000, completion_tokens: 740, cache_creation_tokens: 4000 },
    });
    const res = await call('POST', '/v1/messages', {
      headers: { 'x-api-key': token.key, 'anthropic-version': '2023-06-01' },
      body: messagesBody(model),
    });
    // (1000 + 4000*1.25 + 740*5) * 1.5 = 14,550
    expect(res.headers.get('x-quota-charged')).toBe('14550');
    expect(await logFor(user.jwt, res.headers.get('x-request-id')!)).toMatchObject({
      prompt_tokens: 5000,
      quota: 14_550,
    });
  });

  it('on a converted route too: chat completions on an anthropic channel, streamed and not', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' }, price: PRICE });
    await upstreamMode(channel.scenario, 'ok', { usage: USAGE });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.headers.get('x-quota-charged')).toBe(String(EXPECTED));
    const stream = await streamed('/v1/chat/completions', token.key, chatBody(model, { stream: true }));
    expect(await logFor(user.jwt, stream.headers.get('x-request-id')!)).toMatchObject({
      prompt_tokens: 5000,
      quota: EXPECTED,
    });
  });
});
