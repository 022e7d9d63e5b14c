import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamMode, upstreamRequests, waitFor } from '../helpers';
import { logFor } from '../support/relay';

interface GeminiAnswer {
  candidates: {
    content: { role: string; parts: { text?: string; functionCall?: { name: string } }[] };
    finishReason?: string;
  }[];
  usageMetadata: { promptTokenCount: number; candidatesTokenCount: number };
}
interface GeminiError {
  error: { code: number; message: string; status: string };
}

const contents = [{ role: 'user', parts: [{ text: 'Hello' }] }];

function gemini(
  model: string,
  key: string,
  body: unknown,
  opts: { stream?: boolean; keyIn?: 'header' | 'query' } = {},
): Promise<Response> {
  const method = opts.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const query = opts.keyIn === 'query' ? `${opts.stream ? '&' : '?'}key=${key}` : '';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.keyIn !== 'query') headers['x-goog-api-key'] = key;
  return SELF.fetch(`${BASE}/v1beta/models/${model}:${method}${query}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

/** The JSON of each `data:` line of an SSE body; JSON.parse's answer is typed as the caller reads it. */
const sseJson = <T = Record<string, unknown>>(text: string): T[] =>
  text
    .split('\n\n')
    .map((b) => b.split('\n').find((l) => l.startsWith('data: ')))
    .filter((l): l is string => !!l)
    .map((l): T => JSON.parse(l.slice(6)));

describe('Gemini endpoints on a gemini channel', () => {
  it('generateContent goes through as it is, with the channel key in x-goog-api-key, billed by usageMetadata', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'gemini' },
      price: { model_ratio: 2, completion_ratio: 3 },
    });
    const res = await gemini(model, token.key, { contents, generationConfig: { temperature: 0.2 } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as GeminiAnswer;
    expect(body.candidates[0].content.parts[0].text).toBeTruthy();
    const { promptTokenCount: p, candidatesTokenCount: c } = body.usageMetadata;
    expect(Number(res.headers.get('x-quota-charged'))).toBe((p + c * 3) * 2);
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe(`/v1beta/models/${model}:generateContent`);
    expect(sent.headers['x-goog-api-key']).toBe(`upstream-key-${channel.scenario}`);
    expect(sent.body).toMatchObject({
      contents,
      generationConfig: { temperature: 0.2, maxOutputTokens: expect.any(Number) },
    });
    expect(sent.body).not.toHaveProperty('model');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: p, completion_tokens: c });
  });

  it('streamGenerateContent?alt=sse streams the chunks and bills the last usageMetadata; the key may come as ?key=', async () => {
    const { user, token, model } = await setupCustomer({ channel: { type: 'gemini' } });
    const res = await gemini(model, token.key, { contents }, { stream: true, keyIn: 'query' });
    expect(res.status).toBe(200);
    const chunks = sseJson<GeminiAnswer>(await res.text());
    expect(chunks.length).toBeGreaterThan(1);
    const last = chunks[chunks.length - 1];
    expect(last.candidates[0].finishReason).toBe('STOP');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      is_stream: true,
      prompt_tokens: last.usageMetadata.promptTokenCount,
      completion_tokens: last.usageMetadata.candidatesTokenCount,
      usage_counted: false,
    });
  });

  it('bills thinking tokens as completion and cached content at the cache ratio', async () => {
    const { token, model, channel } = await setupCustomer({
      channel: { type: 'gemini' },
      price: { model_ratio: 1, completion_ratio: 2, cache_ratio: 0.5 },
    });
    await upstreamMode(channel.scenario, 'ok', {
      usage: { prompt_tokens: 100, completion_tokens: 10, thoughts_tokens: 30, cached_tokens: 40 },
    });
    const res = await gemini(model, token.key, { contents });
    expect(Number(res.headers.get('x-quota-charged'))).toBe(100 - 40 + 40 * 0.5 + (10 + 30) * 2);
  });

  it("answers errors in Google's shape: no key, an unknown model, a malformed body", async () => {
    const { token, model } = await setupCustomer({ channel: { type: 'gemini' } });
    const noKey = await SELF.fetch(`${BASE}/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents }),
    });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as GeminiError).error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    const unknown = await gemini('no-such-model', token.key, { contents });
    expect(((await unknown.json()) as GeminiError).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    const bad = await gemini(model, token.key, { contents: 'hello' });
    const err = ((await bad.json()) as GeminiError).error;
    expect(err).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(err.message).toContain('contents');
  });

  it('a 400 saying the key is invalid (API_KEY_INVALID) counts against the channel; any other 400 goes back to the client and never does', async () => {
    const { admin, token, model, channel } = await setupCustomer({ channel: { type: 'gemini' } });
    await upstreamMode(channel.scenario, 'error', {
      status: 400,
      message: 'Invalid JSON payload: API key not valid. Please pass a valid API key.',
    });
    for (let i = 0; i < 4; i++) {
      const res = await gemini(model, token.key, { contents });
      expect(res.status).toBe(400);
      expect(((await res.json()) as GeminiError).error.status).toBe('INVALID_ARGUMENT');
    }
    const healthy = await call<{ items: { id: number; status: string }[] }>('GET', '/api/channels', { jwt: admin });
    expect(healthy.body.items.find((c) => c.id === channel.id)?.status).toBe('enabled');
    await upstreamMode(channel.scenario, 'error', {
      status: 400,
      message: 'API key not valid. Please pass a valid API key.',
      reason: 'API_KEY_INVALID',
    });
    for (let i = 0; i < 3; i++) await gemini(model, token.key, { contents });
    await waitFor(async () => {
      const list = await call<{ items: { id: number; status: string }[] }>('GET', '/api/channels', { jwt: admin });
      return list.body.items.find((c) => c.id === channel.id)?.status === 'auto_disabled';
    });
  });
});

describe("a gemini channel's probe", () => {
  it('is a one-token generateContent in its own format', async () => {
    const { admin, model, channel } = await setupCustomer({ channel: { type: 'gemini' } });
    const res = await call<{ ok: boolean }>('POST', `/api/channels/${channel.id}/test`, { jwt: admin });
    expect(res.body.ok).toBe(true);
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe(`/v1beta/models/${model}:generateContent`);
    expect(sent.body).toMatchObject({ generationConfig: { maxOutputTokens: 1 } });
  });
});

describe('every format on a gemini channel, and the Gemini format on every channel', () => {
  it('chat completions on a gemini channel: converted both ways, streamed with usage', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'gemini' } });
    const plain = await call<{ choices: { message: { content: string } }[]; usage: { prompt_tokens: number } }>(
      'POST',
      '/v1/chat/completions',
      { key: token.key, body: chatBody(model) },
    );
    expect(plain.status).toBe(200);
    expect(plain.body.choices[0].message.content).toBeTruthy();
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe(`/v1beta/models/${model}:generateContent`);
    expect(sent.body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] });
    const streamed = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true, stream_options: { include_usage: true } })),
    });
    const text = await streamed.text();
    expect(text).toContain('chat.completion.chunk');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ is_stream: true, usage_counted: false });
  });

  it('Anthropic Messages and the Responses API on a gemini channel', async () => {
    const { token, model } = await setupCustomer({ channel: { type: 'gemini' } });
    const messages = await call<{ type: string; content: { type: string; text: string }[] }>('POST', '/v1/messages', {
      key: token.key,
      body: { model, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(messages.body).toMatchObject({ type: 'message', content: [{ type: 'text' }] });
    const responses = await SELF.fetch(`${BASE}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, input: 'Hi', stream: true }),
    });
    const types = sseJson(await responses.text()).map((e) => e.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('the Gemini format on an openai channel and on an anthropic channel, streamed and not', async () => {
    for (const type of ['openai', 'anthropic']) {
      const { user, token, model, channel } = await setupCustomer({ channel: { type } });
      const plain = await gemini(model, token.key, { contents, systemInstruction: { parts: [{ text: 'Be brief.' }] } });
      expect(plain.status).toBe(200);
      const body = (await plain.json()) as GeminiAnswer;
      expect(body.candidates[0].content.parts[0].text).toBeTruthy();
      expect(body.usageMetadata.promptTokenCount).toBeGreaterThan(0);
      const [sent] = await upstreamRequests(channel.scenario);
      expect(sent.path).toBe(type === 'openai' ? '/v1/chat/completions' : '/v1/messages');
      const streamed = await gemini(model, token.key, { contents }, { stream: true });
      const chunks = sseJson<GeminiAnswer>(await streamed.text());
      expect(chunks.at(-1)?.candidates[0].finishReason).toBe('STOP');
      const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
      expect(row.is_stream).toBe(true);
    }
  });
});
