import { describe, expect, it } from 'vitest';
import {
  call,
  chatBody,
  createChannel,
  rootJwt,
  setupCustomer,
  upstreamMode,
  upstreamRequests,
  waitFor,
} from '../helpers';
import { balance, logFor, type Err } from '../support/relay';

describe('relay: upstreams', () => {
  it("applies model mapping and rotates a multi-key channel's keys", async () => {
    const { token, model, channel } = await setupCustomer({
      channel: { keys: ['key-one', 'key-two'], model_mapping: {} },
    });
    const admin = await rootJwt();
    await call('PATCH', `/api/channels/${channel.id}`, {
      jwt: admin,
      body: { model_mapping: { [model]: 'upstream-name' } },
    });
    for (let i = 0; i < 4; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const seen = await upstreamRequests(channel.scenario);
    expect(seen.every((r) => r.body?.model === 'upstream-name')).toBe(true);
    expect(new Set(seen.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer key-one', 'Bearer key-two']));
  });

  it('fails over to another channel, never the same one twice, and logs the attempts', async () => {
    const admin = await rootJwt();
    const { user, token, model, channel: bad } = await setupCustomer({ channel: { priority: 10 } });
    const good = await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(bad.scenario, 'error', { status: 500 });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(200);
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ attempts: 2, channel_id: good.id, status: 200 });
    expect(await upstreamRequests(bad.scenario)).toHaveLength(1);
  });

  it('answers 502 when every channel fails, charging nothing; resets and hangs count as failures', async () => {
    const admin = await rootJwt();
    const { user, token, model, channel: a } = await setupCustomer({ quota: 10_000 });
    const b = await createChannel(admin, { models: [model] });
    await upstreamMode(a.scenario, 'reset');
    await upstreamMode(b.scenario, 'hang');
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 502, quota: 0, attempts: 2 });
    expect(await balance(user.jwt, user.id)).toBe(10_000);
  });

  it("tells the customer the failure, not the upstream's own error text", async () => {
    const { token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'error', {
      status: 500,
      message: 'provider-internal: shard 7 of acme-llm failed',
    });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/HTTP 500/);
    expect(res.body.error.message).not.toMatch(/acme|shard/);
    const admin = await rootJwt();
    const ch = await waitFor(async () => {
      const v = await call<{ health: { last_error: string | null } }>('GET', `/api/channels/${channel.id}`, {
        jwt: admin,
      });
      return v.body.health.last_error ? v.body : undefined;
    });
    expect(ch.health.last_error).toMatch(/acme/);
  });

  it('passes an upstream 400 back as it came, without retrying or charging', async () => {
    const admin = await rootJwt();
    const { user, token, model, channel } = await setupCustomer({ quota: 10_000 });
    const other = await createChannel(admin, { models: [model] });
    await upstreamMode(channel.scenario, 'error', {
      status: 400,
      message: 'messages[0].content is too long',
      code: 'context_length_exceeded',
    });
    await upstreamMode(other.scenario, 'error', {
      status: 400,
      message: 'messages[0].content is too long',
      code: 'context_length_exceeded',
    });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('context_length_exceeded');
    const calls = (await upstreamRequests(channel.scenario)).length + (await upstreamRequests(other.scenario)).length;
    expect(calls).toBe(1);
    expect(await balance(user.jwt, user.id)).toBe(10_000);
  });

  it('answers 503 when every channel for the model is disabled', async () => {
    const admin = await rootJwt();
    const { token, model, channel } = await setupCustomer();
    await call('PATCH', `/api/channels/${channel.id}`, { jwt: admin, body: { status: 'disabled' } });
    const res = await call<Err>('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('no_available_channel');
  });

  it('serves completions and embeddings, billed on their usage', async () => {
    const { token, model } = await setupCustomer({ price: { model_ratio: 1 } });
    const comp = await call<{ choices: { text: string }[] }>('POST', '/v1/completions', {
      key: token.key,
      body: { model, prompt: 'Say hi' },
    });
    expect(comp.status).toBe(200);
    expect(comp.body.choices[0].text).toBe('Hello from the fake upstream.');
    expect(comp.headers.get('x-quota-charged')).toBe('15');
    const emb = await call<{ data: { embedding: number[] }[] }>('POST', '/v1/embeddings', {
      key: token.key,
      body: { model, input: ['a', 'b'] },
    });
    expect(emb.status).toBe(200);
    expect(emb.body.data).toHaveLength(2);
    expect(emb.headers.get('x-quota-charged')).toBe('10');
  });
});
