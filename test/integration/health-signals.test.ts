import { describe, expect, it } from 'vitest';
import { call, chatBody, createChannel, setupCustomer, upstreamMode, upstreamRequests, waitFor } from '../helpers';

interface ChannelView {
  status: string;
  health: { state: string; consecutive_failures: number };
}
type Err = { error: { message: string; type: string; code: string } };

const channelOf = async (admin: string, id: number) =>
  (await call<ChannelView>('GET', `/api/channels/${id}`, { jwt: admin })).body;
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('channel health counts only what speaks about the channel', () => {
  it('an upstream 400 that echoes key-like words is passed back and never takes the model down', async () => {
    const { admin, token, model, channel: a } = await setupCustomer();
    const b = await createChannel(admin, { models: [model] });
    const echo = { status: 400, message: 'Unrecognized request argument supplied: invalid_api_key', code: null };
    await upstreamMode(a.scenario, 'error', echo);
    await upstreamMode(b.scenario, 'error', echo);
    for (let i = 0; i < 6; i++) {
      const res = await call<Err>('POST', '/v1/chat/completions', {
        key: token.key,
        body: chatBody(model, { invalid_api_key: true }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('Unrecognized request argument');
    }
    await settle();
    for (const id of [a.id, b.id])
      expect(await channelOf(admin, id)).toMatchObject({
        status: 'enabled',
        health: { state: 'closed', consecutive_failures: 0 },
      });
    await upstreamMode(a.scenario, 'ok');
    await upstreamMode(b.scenario, 'ok');
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
  });

  it('a 422 never counts either, whatever its text', async () => {
    const { admin, token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'error', {
      status: 422,
      message: 'insufficient_quota billing authentication_error',
    });
    for (let i = 0; i < 4; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(422);
    await settle();
    expect(await channelOf(admin, channel.id)).toMatchObject({ status: 'enabled', health: { state: 'closed' } });
  });

  it('one 401 does not disable a channel; the failure threshold of them does', async () => {
    const { admin, token, model, channel: dead } = await setupCustomer({ channel: { priority: 10 } });
    const backup = await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(dead.scenario, 'error', {
      status: 401,
      message: 'Incorrect API key provided',
      code: 'invalid_api_key',
    });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    await settle();
    expect((await channelOf(admin, dead.id)).status).toBe('enabled');
    for (let i = 0; i < 2; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const disabled = await waitFor(async () => {
      const v = await channelOf(admin, dead.id);
      return v.status === 'auto_disabled' ? v : undefined;
    });
    expect(disabled.status).toBe('auto_disabled');
    expect((await upstreamRequests(backup.scenario)).length).toBe(3);
  });

  it('a plain 429 rate limit fails over without counting against the channel', async () => {
    const { admin, token, model, channel: busy } = await setupCustomer({ channel: { priority: 10 } });
    await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(busy.scenario, 'error', {
      status: 429,
      message: 'Rate limit reached for requests',
      code: 'rate_limit_exceeded',
    });
    for (let i = 0; i < 4; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    await settle();
    expect(await channelOf(admin, busy.id)).toMatchObject({
      status: 'enabled',
      health: { state: 'closed', consecutive_failures: 0 },
    });
  });
});
