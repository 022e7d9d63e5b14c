import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { channelsSnapshot, noteChannelHealth, refreshChannels } from '../../worker/db/snapshots';
import { call, chatBody, createChannel, setupCustomer, upstreamMode, upstreamRequests, waitFor } from '../helpers';

// Issue 26: a burst must never meet a 503 from a channel that has not failed, and a channel that
// is recovering lets its probe through while the other callers wait for its verdict.
// CHANNEL_COOLDOWN_SECONDS is 1 and CHANNEL_FAILURE_THRESHOLD 3 in tests.

interface ChannelView {
  status: string;
  health: { state: string; consecutive_failures: number };
}
const channelOf = async (admin: string, id: number) =>
  (await call<ChannelView>('GET', `/api/channels/${id}`, { jwt: admin })).body;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statusCounts = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

async function openCircuit(
  admin: string,
  key: string,
  model: string,
  channel: { id: number; scenario: string },
): Promise<void> {
  await upstreamMode(channel.scenario, 'error', { status: 503 });
  for (let i = 0; i < 3; i++) await call('POST', '/v1/chat/completions', { key, body: chatBody(model) });
  await waitFor(async () => (await channelOf(admin, channel.id)).health.state === 'open');
}

describe('a burst on a healthy channel', () => {
  it('is served whole after waves of concurrent streams, round after round', async () => {
    const { admin, token, model, channel } = await setupCustomer({ quota: 100_000_000 });
    await upstreamMode(channel.scenario, 'slow_stream', { chunks: 5, gap_ms: 40 });
    const statuses: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const wave of [5, 15, 30]) {
        const streams = await Promise.all(
          Array.from({ length: wave }, () =>
            call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model, { stream: true }) }),
          ),
        );
        statuses.push(...streams.map((s) => s.status));
      }
      const burst = await Promise.all(
        Array.from({ length: 60 }, () =>
          call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) }),
        ),
      );
      statuses.push(...burst.map((s) => s.status));
    }
    expect(statusCounts(statuses)).toEqual({ 200: statuses.length });
    expect((await channelOf(admin, channel.id)).health).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    const events = await call<{ items: { kind: string }[] }>('GET', `/api/events?subject=channel:${channel.id}`, {
      jwt: admin,
    });
    expect(events.body.items).toEqual([]);
  }, 90_000);

  it('does not open the circuit on failures that were not in a row', async () => {
    // Failure, success, failure, success, failure on three channels: each success ends the streak.
    const setups = await Promise.all([0, 1, 2].map(() => setupCustomer()));
    for (const { token, model, channel } of setups) {
      for (const ok of [false, true, false, true, false]) {
        await upstreamMode(channel.scenario, ok ? 'ok' : 'error', ok ? {} : { status: 500 });
        expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(
          ok ? 200 : 502,
        );
      }
      await upstreamMode(channel.scenario, 'ok');
    }
    await sleep(300);
    for (const { admin, channel } of setups)
      expect((await channelOf(admin, channel.id)).health).toMatchObject({ state: 'closed', consecutive_failures: 1 });
    // ... and so every channel goes on serving.
    for (const { token, model } of setups)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
  });
});

describe('a recovering channel (half-open)', () => {
  it('lets one probe through while a burst waits for its verdict, then serves every caller', async () => {
    const { admin, token, model, channel } = await setupCustomer();
    await openCircuit(admin, token.key, model, channel);
    await upstreamMode(channel.scenario, 'delay', { first_byte_ms: 300 });
    await sleep(1100); // past the cooldown
    const before = (await upstreamRequests(channel.scenario)).length;
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })),
    );
    expect(statusCounts(answers.map((a) => a.status))).toEqual({ 200: 12 });
    expect((await upstreamRequests(channel.scenario)).length - before).toBe(12);
    await waitFor(async () => (await channelOf(admin, channel.id)).health.state === 'closed');
  });

  it('sends the waiting callers elsewhere when the probe fails, and tries the channel once', async () => {
    const { admin, token, model, channel } = await setupCustomer({ channel: { priority: 10 } });
    await openCircuit(admin, token.key, model, channel);
    const backup = await createChannel(admin, { models: [model], priority: 0 });
    await upstreamMode(channel.scenario, 'error', { status: 503, first_byte_ms: 200 });
    await sleep(1100);
    const before = (await upstreamRequests(channel.scenario)).length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })),
    );
    expect(statusCounts(answers.map((a) => a.status))).toEqual({ 200: 8 });
    // Only the probe reached the failing channel; everyone else was served by the backup.
    expect((await upstreamRequests(channel.scenario)).length - before).toBe(1);
    expect((await upstreamRequests(backup.scenario)).length).toBe(8);
    expect((await channelOf(admin, channel.id)).health.state).toBe('open');
  });
});

describe('the health object under concurrency', () => {
  // Channel ids far above any the other tests create: these objects have no channel row.
  const health = (id: number) => env.CHANNEL_HEALTH.get(env.CHANNEL_HEALTH.idFromName(`channel:${id}`));
  const report = (id: number, ok: boolean) => ({
    channelId: id,
    ok,
    latencyMs: 5,
    error: ok ? null : 'HTTP 503',
    keyDead: false,
    threshold: 3,
    cooldownMs: 1000,
  });

  it('stays closed under concurrent probes and successes: only failures move it', async () => {
    const id = 900_001;
    const h = health(id);
    const asked = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 ? h.acquireProbe(id, 1000) : h.report(report(id, true)).then(() => true),
      ),
    );
    expect(asked.every(Boolean)).toBe(true);
    expect(await h.view(id)).toMatchObject({ state: 'closed', consecutiveFailures: 0, version: 0 });
    await h.report(report(id, false));
    await h.report(report(id, true));
    await h.report(report(id, false));
    expect(await h.view(id)).toMatchObject({ state: 'closed', consecutiveFailures: 1, version: 0 });
  });

  it('gives one caller the probe, holds the others until its verdict, and counts versions', async () => {
    const id = 900_002;
    const h = health(id);
    for (let i = 0; i < 3; i++) await h.report(report(id, false));
    expect(await h.view(id)).toMatchObject({ state: 'open', version: 1 });
    expect(await h.acquireProbe(id, 1000)).toBe(false); // inside the cooldown
    await sleep(1050);
    const holder = await h.acquireProbe(id, 1000);
    expect(holder).toBe(true);
    expect(await h.view(id)).toMatchObject({ state: 'half_open', version: 2 });
    let settled = 0;
    const waiting = Array.from({ length: 10 }, () => h.acquireProbe(id, 1000, 10_000).then((go) => (settled++, go)));
    await sleep(200);
    expect(settled).toBe(0);
    await h.report(report(id, true));
    expect(await Promise.all(waiting)).toEqual(Array(10).fill(true));
    expect(await h.view(id)).toMatchObject({ state: 'closed', version: 3 });
  });

  it('refuses the waiting callers when the probe fails, and lets them go when no verdict comes', async () => {
    const id = 900_003;
    const h = health(id);
    for (let i = 0; i < 3; i++) await h.report(report(id, false));
    await sleep(1050);
    expect(await h.acquireProbe(id, 1000)).toBe(true);
    const refused = Array.from({ length: 5 }, () => h.acquireProbe(id, 1000, 10_000));
    await sleep(100);
    await h.report(report(id, false));
    expect(await Promise.all(refused)).toEqual(Array(5).fill(false));
    await sleep(1050);
    expect(await h.acquireProbe(id, 1000)).toBe(true); // a new probe; its holder never reports
    expect(await h.acquireProbe(id, 1000, 300)).toBe(true);
  });
});

describe("an isolate's view of channel health", () => {
  it('never lets an older answer overwrite a newer one', async () => {
    const { channel } = await setupCustomer();
    await refreshChannels(env);
    const view = async () => (await channelsSnapshot(env)).find((c) => c.id === channel.id)!.health;
    noteChannelHealth(channel.id, { state: 'open', openedAt: Date.now(), version: 3 });
    noteChannelHealth(channel.id, { state: 'closed', openedAt: null, version: 2 }); // answered late
    expect(await view()).toMatchObject({ state: 'open', version: 3 });
    noteChannelHealth(channel.id, { state: 'closed', openedAt: null, version: 4 });
    expect(await view()).toMatchObject({ state: 'closed', version: 4 });
  });
});
