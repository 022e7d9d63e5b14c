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

interface ChannelView {
  status: string;
  health: { state: string; consecutive_failures: number; last_error: string | null; latency_ms: number | null };
}

const channel = async (admin: string, id: number) =>
  (await call<ChannelView>('GET', `/api/channels/${id}`, { jwt: admin })).body;

describe('channel health', () => {
  it('opens the circuit after the threshold, skips the channel, probes after the cooldown and closes', async () => {
    const { admin, token, model, channel: flaky } = await setupCustomer({ channel: { priority: 10 } });
    const backup = await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(flaky.scenario, 'error', { status: 503 });
    for (let i = 0; i < 3; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const open = await waitFor(async () => {
      const v = await channel(admin, flaky.id);
      return v.health.state === 'open' ? v : undefined;
    });
    expect(open.health.consecutive_failures).toBe(3);
    expect(open.health.last_error).toMatch(/503/);
    // while open, traffic skips it without trying
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(await upstreamRequests(flaky.scenario)).toHaveLength(3);

    await upstreamMode(flaky.scenario, 'ok');
    await new Promise((r) => setTimeout(r, 1100)); // CHANNEL_COOLDOWN_SECONDS is 1 in tests
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    expect(await upstreamRequests(flaky.scenario)).toHaveLength(4);
    const closed = await waitFor(async () => {
      const v = await channel(admin, flaky.id);
      return v.health.state === 'closed' ? v : undefined;
    });
    expect(closed.health.consecutive_failures).toBe(0);
    const events = await call<{ items: { kind: string }[] }>('GET', `/api/events?subject=channel:${flaky.id}`, {
      jwt: admin,
    });
    expect(events.body.items.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['circuit_open', 'circuit_half_open', 'circuit_closed']),
    );
    expect(backup.id).toBeGreaterThan(0);
  });

  it('re-opens the circuit when the probe fails', async () => {
    const { admin, token, model, channel: flaky } = await setupCustomer({ channel: { priority: 10 } });
    await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(flaky.scenario, 'error', { status: 500 });
    for (let i = 0; i < 3; i++) await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitFor(async () => (await channel(admin, flaky.id)).health.state === 'open');
    await new Promise((r) => setTimeout(r, 1100));
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(await upstreamRequests(flaky.scenario)).toHaveLength(4);
    const v = await waitFor(async () => {
      const c = await channel(admin, flaky.id);
      return c.health.state === 'open' && c.health.consecutive_failures === 4 ? c : undefined;
    });
    expect(v.health.state).toBe('open');
  });

  it('auto-disables a channel whose key is refused, and a probe re-enables it', async () => {
    const { admin, token, model, channel: dead } = await setupCustomer({ channel: { priority: 10 } });
    await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(dead.scenario, 'error', {
      status: 401,
      message: 'Incorrect API key provided',
      code: 'invalid_api_key',
    });
    // the failure threshold (3 in tests) of dead-key answers in a row disables it
    for (let i = 0; i < 3; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const disabled = await waitFor(async () => {
      const v = await channel(admin, dead.id);
      return v.status === 'auto_disabled' ? v : undefined;
    });
    expect(disabled.health.last_error).toMatch(/401/);
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(await upstreamRequests(dead.scenario)).toHaveLength(3);

    // still dead: the probe leaves it disabled
    await call('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['probes'] } });
    expect((await channel(admin, dead.id)).status).toBe('auto_disabled');
    await upstreamMode(dead.scenario, 'ok');
    const run = await call<{ runs: { job: string; details: { recovered: number[] } }[] }>(
      'POST',
      '/api/maintenance/run',
      { jwt: admin, body: { jobs: ['probes'] } },
    );
    expect(run.body.runs[0].details.recovered).toContain(dead.id);
    expect((await channel(admin, dead.id)).status).toBe('enabled');
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect((await upstreamRequests(dead.scenario)).length).toBeGreaterThanOrEqual(3);
    const events = await call<{ items: { kind: string }[] }>('GET', `/api/events?subject=channel:${dead.id}`, {
      jwt: admin,
    });
    expect(events.body.items.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['channel_auto_disabled', 'channel_auto_enabled']),
    );
  });

  it('an operator re-enable clears an automatic disable', async () => {
    const admin = await rootJwt();
    const { token, model, channel: dead } = await setupCustomer();
    await upstreamMode(dead.scenario, 'error', { status: 401, message: 'invalid_api_key' });
    for (let i = 0; i < 3; i++) await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitFor(async () => (await channel(admin, dead.id)).status === 'auto_disabled');
    await upstreamMode(dead.scenario, 'ok');
    await call('PATCH', `/api/channels/${dead.id}`, { jwt: admin, body: { status: 'enabled' } });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
  });
});
