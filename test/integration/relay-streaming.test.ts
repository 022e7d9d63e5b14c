import { SELF } from 'cloudflare:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamMode, upstreamRequests, waitFor } from '../helpers';
import { logFor } from '../support/relay';

async function streamText(res: Response): Promise<string> {
  return await res.text();
}

describe('relay: streaming', () => {
  it('streams chunks, drops the usage chunk the client did not ask for, and bills from it', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 2 } });
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await streamText(res);
    expect(text).not.toContain('"usage"');
    const content = text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe('Hello from the fake upstream.');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].body?.stream_options).toEqual({ include_usage: true });
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      is_stream: true,
      prompt_tokens: 10,
      completion_tokens: 5,
      quota: 30,
      usage_counted: false,
    });
  });

  it('keeps the usage chunk for a client that asked', async () => {
    const { token, model } = await setupCustomer();
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true, stream_options: { include_usage: true } })),
    });
    const text = await res.text();
    expect(text).toContain('"usage":{"prompt_tokens":10');
  });

  it('counts a stream whose upstream sends no usage', async () => {
    const { user, token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'no_usage');
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    await res.text();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.usage_counted).toBe(true);
    expect(row.completion_tokens).toBe(countTokens('Hello from the fake upstream.'));
  });

  it('cancels the upstream when the client leaves, and bills what was delivered', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 100_000 });
    await upstreamMode(channel.scenario, 'slow_stream', { gap_ms: 100, chunks: 40 });
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    const reader = res.body!.getReader();
    let got = '';
    while ((got.match(/" tok"/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before the client left');
      got += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const aborted = await waitFor(async () => (await upstreamRequests(channel.scenario)).find((r) => r.aborted), 5000);
    expect(aborted).toBeTruthy();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.usage_counted).toBe(true);
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBeLessThan(40);
    expect(row.quota).toBe(row.prompt_tokens + row.completion_tokens);
  });
});

describe('relay: a stream that goes silent', () => {
  it('is ended after STREAM_IDLE_TIMEOUT_MS and the upstream cancelled; with no content delivered nothing is charged', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 100_000 });
    // the opening (empty) chunk, then a pause longer than the 3 s idle limit the tests run with
    await upstreamMode(channel.scenario, 'slow_stream', { gap_ms: 3500, chunks: 3 });
    const res = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true })),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    const aborted = await waitFor(async () => (await upstreamRequests(channel.scenario)).find((r) => r.aborted), 5000);
    expect(aborted).toBeTruthy();
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ error_code: 'upstream_stream_broken', status: 502, quota: 0 });
    expect((await call<{ quota: number }>('GET', `/api/users/${user.id}`, { jwt: user.jwt })).body.quota).toBe(100_000);
  }, 20_000);
});
