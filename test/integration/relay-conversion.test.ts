import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamRequests } from '../helpers';
import { logFor } from '../support/relay';

describe('relay: OpenAI chat on an Anthropic channel', () => {
  it('converts the request and the answer both ways, streamed and not, billed from Anthropic usage', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1, completion_ratio: 2 },
    });
    const res = await call<{
      object: string;
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number };
    }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model, {
        messages: [
          { role: 'system', content: 'Be nice.' },
          { role: 'user', content: 'Hi' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.body.choices[0]).toMatchObject({
      message: { content: 'Hello from the fake upstream.' },
      finish_reason: 'stop',
    });
    expect(res.headers.get('x-quota-charged')).toBe('20'); // 10 + 5*2
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].path).toBe('/v1/messages');
    expect(sent[0].body).toMatchObject({
      system: 'Be nice.',
      max_tokens: 1024,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });

    const streamed = await SELF.fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(model, { stream: true, stream_options: { include_usage: true } })),
    });
    const text = await streamed.text();
    const datas = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6));
    expect(datas[datas.length - 1]).toBe('[DONE]');
    const chunks = datas
      .slice(0, -1)
      .map(
        (d) => JSON.parse(d) as { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } },
      );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from the fake upstream.');
    expect(chunks[chunks.length - 1].usage?.completion_tokens).toBe(5);
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, quota: 20, usage_counted: false });
  });
});

describe('relay: Anthropic Messages on an OpenAI channel', () => {
  it('converts the request and the answer both ways, streamed and not, billed from OpenAI usage', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 1, completion_ratio: 3 } });
    const body = { model, max_tokens: 64, system: 'Be nice.', messages: [{ role: 'user', content: 'Hi' }] };
    const res = await call<{
      type: string;
      content: { type: string; text: string }[];
      stop_reason: string;
      usage: { input_tokens: number; output_tokens: number };
    }>('POST', '/v1/messages', {
      headers: { 'x-api-key': token.key, 'anthropic-version': '2023-06-01' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'message',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello from the fake upstream.' }],
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    expect(res.headers.get('x-quota-charged')).toBe('25'); // 10 + 5*3
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].path).toBe('/v1/chat/completions');
    expect(sent[0].headers.authorization).toMatch(/^Bearer upstream-key-/);
    expect((sent[0].body?.messages as { role: string }[] | undefined)?.[0]).toMatchObject({
      role: 'system',
      content: 'Be nice.',
    });

    const streamed = await SELF.fetch(`${BASE}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': token.key, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    const text = await streamed.text();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('event: '))
      .map((l) => l.slice(7));
    expect(events[0]).toBe('message_start');
    expect(events.filter((e) => e === 'message_stop')).toHaveLength(1);
    expect(text).not.toContain('[DONE]');
    const deltas = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; delta?: { text?: string } })
      .filter((d) => d.type === 'content_block_delta')
      .map((d) => d.delta?.text ?? '')
      .join('');
    expect(deltas).toBe('Hello from the fake upstream.');
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, quota: 25, usage_counted: false });
  });
});

describe('relay: Anthropic Messages', () => {
  it('relays /v1/messages to an anthropic channel, streamed and not, billed from its usage', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1, completion_ratio: 5 },
    });
    const body = { model, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };
    const res = await call<{ content: { text: string }[] }>('POST', '/v1/messages', {
      headers: { 'x-api-key': token.key, 'anthropic-version': '2023-06-01' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.content[0].text).toBe('Hello from the fake upstream.');
    expect(res.headers.get('x-quota-charged')).toBe('35'); // 10 + 5*5
    const sent = await upstreamRequests(channel.scenario);
    expect(sent[0].headers['x-api-key']).toMatch(/^upstream-key-/);
    const streamed = await SELF.fetch(`${BASE}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': token.key, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    const text = await streamed.text();
    expect(text).toContain('event: message_stop');
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, quota: 35 });
  });
});
