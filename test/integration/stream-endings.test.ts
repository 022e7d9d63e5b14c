import { SELF } from 'cloudflare:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamMode, waitFor } from '../helpers';

interface LogItem {
  request_id: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  status: number;
  usage_counted: boolean;
  error_code: string | null;
}

async function logFor(jwt: string, requestId: string): Promise<LogItem> {
  return waitFor(async () =>
    (await call<{ items: LogItem[] }>('GET', '/api/logs?limit=100', { jwt })).body.items.find(
      (r) => r.request_id === requestId,
    ),
  );
}

const balance = async (jwt: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt })).body.quota;

function post(path: string, key: string, body: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const delivered = (n: number) => countTokens(' tok'.repeat(n));

describe('streams that end early are billed for what was delivered', () => {
  it('Anthropic stream cut after 40 chunks without message_stop: not the one token announced at the start', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1 },
    });
    await upstreamMode(channel.scenario, 'cut_stream', { chunks: 60, cut_after: 40 });
    const res = await post('/v1/messages', token.key, {
      model,
      max_tokens: 200,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('message_stop');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.completion_tokens).toBe(delivered(40));
    expect(row.prompt_tokens).toBe(10);
    expect(row).toMatchObject({ usage_counted: true, quota: 10 + delivered(40) });
  });

  it('OpenAI stream cut without [DONE] is billed for the delivered chunks, and the client is told', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'cut_stream', { chunks: 60, cut_after: 25 });
    const res = await post('/v1/chat/completions', token.key, chatBody(model, { stream: true }));
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    expect(text).toContain('"error"');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.completion_tokens).toBe(delivered(25));
    expect(row.usage_counted).toBe(true);
  });

  it('a stream cut by a connection reset is billed the same way', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1 },
    });
    await upstreamMode(channel.scenario, 'cut_stream', { chunks: 60, cut_after: 12, reset: true });
    const res = await post('/v1/chat/completions', token.key, chatBody(model, { stream: true }));
    await res.text();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.completion_tokens).toBe(delivered(12));
  });

  it('a stream that carries only an error charges nothing, in both formats', async () => {
    for (const type of ['openai', 'anthropic']) {
      const { user, token, model, channel } = await setupCustomer({
        quota: 50_000,
        channel: { type },
        price: { model_ratio: 1 },
      });
      await upstreamMode(channel.scenario, 'error_stream', { error_after: 0 });
      const path = type === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
      const body =
        type === 'anthropic'
          ? { model, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] }
          : chatBody(model, { stream: true });
      const res = await post(path, token.key, body);
      const text = await res.text();
      expect(text).toContain('error');
      const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
      expect(row.quota, type).toBe(0);
      expect(await balance(user.jwt, user.id)).toBe(50_000);
    }
  });

  it('a stream that errors after some chunks is billed for those chunks, in both formats, converted or not', async () => {
    for (const [type, path] of [
      ['openai', '/v1/chat/completions'],
      ['anthropic', '/v1/messages'],
      ['anthropic', '/v1/chat/completions'],
      ['openai', '/v1/messages'],
    ]) {
      const { user, token, model, channel } = await setupCustomer({ channel: { type }, price: { model_ratio: 1 } });
      await upstreamMode(channel.scenario, 'error_stream', { chunks: 30, error_after: 7 });
      const body =
        path === '/v1/messages'
          ? { model, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] }
          : chatBody(model, { stream: true });
      const res = await post(path, token.key, body);
      await res.text();
      const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
      expect(row.completion_tokens, `${type} via ${path}`).toBe(delivered(7));
      expect(row.quota).toBe(row.prompt_tokens + delivered(7));
    }
  });

  it('counts reasoning and tool-call arguments delivered, not the JSON around them', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1 },
    });
    await upstreamMode(channel.scenario, 'cut_stream', {
      chunks: 30,
      cut_after: 30,
      thinking: 'Let me think about it carefully.',
      tool_args: '{"city":"Paris"}',
    });
    const res = await post('/v1/messages', token.key, {
      model,
      max_tokens: 200,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await res.text();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    const expected =
      countTokens('Let me think about it carefully.') +
      delivered(30) +
      countTokens('{"city":"Paris"}') +
      countTokens('get_weather');
    expect(row.completion_tokens).toBe(expected);
  });
});

describe('a non-streamed body that breaks half-way', () => {
  it('answers 502, charges nothing and releases the hold', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 10_000, price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'reset_body');
    const broken = await call<{ error: { code: string } }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model, { max_tokens: 9000 }),
    });
    expect(broken.status).toBe(502);
    expect(broken.body.error.code).toBe('upstream_error');
    await upstreamMode(channel.scenario, 'ok');
    const next = await call('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model, { max_tokens: 9000 }),
    });
    expect(next.status).toBe(200);
    await waitFor(async () => (await balance(user.jwt, user.id)) === 10_000 - 15);
  });
});
