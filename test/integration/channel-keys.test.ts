import { describe, expect, it } from 'vitest';
import { ChannelView as ChannelSchema } from '../../worker/api/channels';
import { call, chatBody, setupCustomer, upstreamMode, upstreamRequests, waitFor } from '../helpers';

interface KeyState {
  index: number;
  state: string;
  last_error: string | null;
  since: string | null;
}

interface ChannelView {
  status: string;
  health: { state: string; consecutive_failures: number; last_error: string | null };
  key_states: KeyState[];
}

const view = async (admin: string, id: number) =>
  (await call<ChannelView>('GET', `/api/channels/${id}`, { jwt: admin })).body;

/** How many upstream requests carried each key (by the Authorization header). */
async function keyUses(scenario: string): Promise<Record<string, number>> {
  const uses: Record<string, number> = {};
  for (const r of await upstreamRequests(scenario)) {
    const key = (r.headers.authorization ?? r.headers['x-api-key'] ?? '').replace(/^Bearer /, '');
    uses[key] = (uses[key] ?? 0) + 1;
  }
  return uses;
}

const keysOf = (tag: string) => [`good-a-${tag}`, `revoked-${tag}`, `good-b-${tag}`];

/** A customer whose only channel holds three keys, the middle one revoked at the upstream. */
async function revokedMiddle(type = 'openai') {
  const tag = Math.random().toString(36).slice(2);
  const keys = keysOf(tag);
  const setup = await setupCustomer({ channel: { keys, type } });
  await upstreamMode(setup.channel.scenario, 'ok', { dead_keys: [keys[1]] });
  return { ...setup, keys };
}

const chat = (key: string, model: string) => call('POST', '/v1/chat/completions', { key, body: chatBody(model) });

async function setAside(admin: string, id: number): Promise<ChannelView> {
  return waitFor(async () => {
    const v = await view(admin, id);
    return v.key_states[1]?.state === 'disabled' ? v : undefined;
  });
}

describe('per-key health on a multi-key channel', () => {
  it('serves 30 calls with one revoked key of three: all 200, the revoked key tried at most twice, the channel never opens', async () => {
    const { admin, token, model, channel, keys } = await revokedMiddle();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await chat(token.key, model)).status);
    expect(statuses).toEqual(Array(30).fill(200));
    const uses = await keyUses(channel.scenario);
    expect(uses[keys[1]] ?? 0).toBeGreaterThanOrEqual(1);
    expect(uses[keys[1]]).toBeLessThanOrEqual(2);
    expect((uses[keys[0]] ?? 0) + (uses[keys[2]] ?? 0)).toBe(30);
    expect(uses[keys[0]]).toBeGreaterThan(5);
    expect(uses[keys[2]]).toBeGreaterThan(5);

    const v = await setAside(admin, channel.id);
    expect(v.status).toBe('enabled');
    expect(v.health).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(v.key_states.map((k) => k.state)).toEqual(['ok', 'disabled', 'ok']);
    expect(v.key_states[1].last_error).toMatch(/401/);
    expect(Date.parse(v.key_states[1].since ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(v.key_states[0]).toEqual({ index: 0, state: 'ok', last_error: null, since: null });
    const list = await call<{ items: unknown[] }>('GET', '/api/channels', { jwt: admin });
    for (const k of keys) expect(JSON.stringify(list.body)).not.toContain(k);
    const events = await call<{ items: { kind: string; message: string }[] }>(
      'GET',
      `/api/events?subject=channel:${channel.id}`,
      { jwt: admin },
    );
    expect(events.body.items.map((e) => e.kind)).toContain('channel_key_disabled');
    expect(events.body.items.map((e) => e.kind)).not.toContain('circuit_open');
  });

  it('sets a refused key aside on an anthropic channel too (x-api-key)', async () => {
    const { admin, token, model, channel, keys } = await revokedMiddle('anthropic');
    for (let i = 0; i < 6; i++) expect((await chat(token.key, model)).status).toBe(200);
    expect((await keyUses(channel.scenario))[keys[1]]).toBe(1);
    expect((await setAside(admin, channel.id)).health.consecutive_failures).toBe(0);
  });

  it('an admin re-enables a set-aside key with one call, audited', async () => {
    const { admin, token, model, channel, keys } = await revokedMiddle();
    for (let i = 0; i < 3; i++) await chat(token.key, model);
    await setAside(admin, channel.id);
    // The channels page shows the set-aside key by index, with its enable button, and never a key.
    for (const lang of ['en', 'zh']) {
      const page = await call<string>('GET', `/admin/channels?lang=${lang}`, {
        headers: { cookie: `relay_session=${admin}` },
      });
      expect(page.status).toBe(200);
      const row = page.body.slice(page.body.indexOf(`data-channel-id="${channel.id}"`));
      expect(row).toMatch(/data-key-index="1" data-key-state="disabled"/);
      expect(row).toContain(`data-call="/api/channels/${channel.id}/keys/1/enable"`);
      expect(row).toContain(lang === 'en' ? 'key #1 set aside' : '密钥 #1 已停用');
      for (const k of keys) expect(page.body).not.toContain(k);
    }
    await upstreamMode(channel.scenario, 'ok');
    const bad = await call('POST', `/api/channels/${channel.id}/keys/3/enable`, { jwt: admin });
    expect(bad.status).toBe(404);
    const res = await call<ChannelView>('POST', `/api/channels/${channel.id}/keys/1/enable`, { jwt: admin });
    expect(res.status).toBe(200);
    expect(res.body.key_states.map((k) => k.state)).toEqual(['ok', 'ok', 'ok']);
    expect(ChannelSchema.safeParse(res.body).success).toBe(true);
    const before = (await keyUses(channel.scenario))[keys[1]] ?? 0;
    for (let i = 0; i < 6; i++) expect((await chat(token.key, model)).status).toBe(200);
    expect((await keyUses(channel.scenario))[keys[1]]).toBeGreaterThan(before);
    const audit = await call<{ items: { action: string; target: string }[] }>('GET', '/api/audit', { jwt: admin });
    expect(audit.body.items.find((i) => i.action === 'channel.key_enable')?.target).toBe(`channel:${channel.id}`);
    expect([401, 403]).toContain(
      (await call('POST', `/api/channels/${channel.id}/keys/1/enable`, { key: token.key })).status,
    );
  });

  it('a probe brings a set-aside key back once the upstream accepts it again', async () => {
    const { admin, token, model, channel } = await revokedMiddle();
    for (let i = 0; i < 3; i++) await chat(token.key, model);
    await setAside(admin, channel.id);
    type Run = { runs: { details: { keys_recovered: { channel_id: number; index: number }[] } }[] };
    const still = await call<Run>('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['probes'] } });
    expect(still.body.runs[0].details.keys_recovered).not.toContainEqual({ channel_id: channel.id, index: 1 });
    const stillView = await view(admin, channel.id);
    expect(stillView.key_states[1].state).toBe('disabled');
    expect(stillView).toMatchObject({ status: 'enabled', health: { consecutive_failures: 0 } });

    await upstreamMode(channel.scenario, 'ok');
    const run = await call<Run>('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['probes'] } });
    expect(run.body.runs[0].details.keys_recovered).toContainEqual({ channel_id: channel.id, index: 1 });
    expect((await view(admin, channel.id)).key_states[1]).toEqual({
      index: 1,
      state: 'ok',
      last_error: null,
      since: null,
    });
  });

  it('new keys start with a clean list', async () => {
    const { admin, token, model, channel } = await revokedMiddle();
    for (let i = 0; i < 3; i++) await chat(token.key, model);
    await setAside(admin, channel.id);
    const res = await call<ChannelView>('PATCH', `/api/channels/${channel.id}`, {
      jwt: admin,
      body: { keys: ['fresh-1', 'fresh-2'] },
    });
    expect(res.body.key_states.map((k) => k.state)).toEqual(['ok', 'ok']);
  });

  it('with every key revoked the channel fails and counts as before, then disables itself', async () => {
    const tag = Math.random().toString(36).slice(2);
    const keys = keysOf(tag);
    const { admin, token, model, channel } = await setupCustomer({ channel: { keys } });
    await upstreamMode(channel.scenario, 'ok', { dead_keys: keys });
    // CHANNEL_FAILURE_THRESHOLD is 3 in tests: three failed calls, each counted once
    for (let i = 0; i < 3; i++) expect((await chat(token.key, model)).status).toBe(502);
    const v = await waitFor(async () => {
      const c = await view(admin, channel.id);
      return c.status === 'auto_disabled' ? c : undefined;
    });
    expect(v.health.consecutive_failures).toBe(3);
    expect(v.key_states.map((k) => k.state)).toEqual(['disabled', 'disabled', 'disabled']);
    expect((await chat(token.key, model)).status).toBe(503);
  });
});
