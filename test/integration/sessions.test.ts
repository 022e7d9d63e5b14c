import { describe, expect, it } from 'vitest';
import {
  call,
  chatBody,
  createChannel,
  createToken,
  createUser,
  setupCustomer,
  uniq,
  upstreamMode,
  upstreamRequests,
  waitFor,
} from '../helpers';

const KEYS = 3;

/** A model served by three channels of three keys each, equal in priority and weight. */
async function threeChannels() {
  const setup = await setupCustomer({ channel: { keys: keysFor('a') } });
  const b = await createChannel(setup.admin, { models: [setup.model], keys: keysFor('b') });
  const c = await createChannel(setup.admin, { models: [setup.model], keys: keysFor('c') });
  return { ...setup, channels: [setup.channel, b, c] };
}

const keysFor = (name: string) => Array.from({ length: KEYS }, (_, i) => `upstream-${name}-${i}-${uniq('')}`);

/** Calls each channel's scenario received, and the upstream keys they carried. */
async function reached(channels: { id: number; scenario: string }[]) {
  const out: { id: number; calls: number; keys: Set<string> }[] = [];
  for (const ch of channels) {
    const requests = await upstreamRequests(ch.scenario);
    out.push({ id: ch.id, calls: requests.length, keys: new Set(requests.map((r) => r.headers.authorization ?? '')) });
  }
  return out.filter((r) => r.calls > 0);
}

const messagesBody = (model: string, userId: string) => ({
  model,
  max_tokens: 64,
  metadata: { user_id: userId },
  messages: [{ role: 'user', content: 'Hello there' }],
});
const responsesBody = (model: string, cacheKey: string) => ({
  model,
  input: 'Hello there',
  prompt_cache_key: cacheKey,
});

interface LogItem {
  request_id: string;
  channel_id: number | null;
  session_hash: string | null;
  cache_read: boolean;
  cached_tokens: number;
}
const logsOf = async (jwt: string, tokenId: number) =>
  (await call<{ items: LogItem[] }>('GET', `/api/logs?token_id=${tokenId}&limit=200`, { jwt })).body.items;

describe('sticky sessions', () => {
  it('12 Messages calls of one Claude Code session (metadata.user_id) reach one channel of three, and one key of it', async () => {
    const { token, model, channels } = await threeChannels();
    const session = `user_${uniq('')}_account__session_${crypto.randomUUID()}`;
    for (let i = 0; i < 12; i++) {
      const res = await call('POST', '/v1/messages', { key: token.key, body: messagesBody(model, session) });
      expect(res.status).toBe(200);
    }
    const hit = await reached(channels);
    expect(hit).toHaveLength(1);
    expect(hit[0].calls).toBe(12);
    expect(hit[0].keys.size).toBe(1);
  });

  it('8 calls with one prompt_cache_key stay on one channel and key, in chat and in Responses', async () => {
    const { token, model, channels } = await threeChannels();
    const cacheKey = uniq('pck-');
    for (let i = 0; i < 4; i++) {
      expect(
        (
          await call('POST', '/v1/chat/completions', {
            key: token.key,
            body: chatBody(model, { prompt_cache_key: cacheKey }),
          })
        ).status,
      ).toBe(200);
      expect(
        (await call('POST', '/v1/responses', { key: token.key, body: responsesBody(model, cacheKey) })).status,
      ).toBe(200);
    }
    const hit = await reached(channels);
    expect(hit).toHaveLength(1);
    expect(hit[0].calls).toBe(8);
    expect(hit[0].keys.size).toBe(1);
  });

  it('a session-id header pins too, and calls without a session still spread', async () => {
    const { token, model, channels } = await threeChannels();
    const headers = { 'x-session-id': uniq('hdr-') };
    for (let i = 0; i < 6; i++)
      expect(
        (await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model), headers })).status,
      ).toBe(200);
    expect(await reached(channels)).toHaveLength(1);
    for (let i = 0; i < 24; i++)
      expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    expect((await reached(channels)).length).toBeGreaterThan(1);
  });

  it('moves once when its channel is disabled, and stays on the new one after it comes back', async () => {
    const { admin, token, model, channels } = await threeChannels();
    const session = uniq('move-');
    const send = async (n: number) => {
      for (let i = 0; i < n; i++)
        expect(
          (await call('POST', '/v1/messages', { key: token.key, body: messagesBody(model, session) })).status,
        ).toBe(200);
    };
    await send(3);
    const [first] = await reached(channels);
    await call('PATCH', `/api/channels/${first.id}`, { jwt: admin, body: { status: 'disabled' } });
    await send(6);
    const moved = (await reached(channels)).filter((r) => r.id !== first.id);
    expect(moved).toHaveLength(1);
    expect(moved[0].calls).toBe(6);
    await call('PATCH', `/api/channels/${first.id}`, { jwt: admin, body: { status: 'enabled' } });
    await send(4);
    const after = await reached(channels);
    expect(after.find((r) => r.id === first.id)?.calls).toBe(3);
    expect(after.find((r) => r.id === moved[0].id)?.calls).toBe(10);
  });

  it('moves when its channel fails a call, and stays where it moved', async () => {
    const { token, model, channels } = await threeChannels();
    const cacheKey = uniq('fail-');
    const send = () =>
      call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model, { prompt_cache_key: cacheKey }) });
    expect((await send()).status).toBe(200);
    const [first] = await reached(channels);
    const pinned = channels.find((ch) => ch.id === first.id);
    if (!pinned) throw new Error('the pinned channel is one of the three');
    await upstreamMode(pinned.scenario, 'error', { status: 500 });
    expect((await send()).status).toBe(200);
    await upstreamMode(pinned.scenario, 'ok');
    for (let i = 0; i < 4; i++) expect((await send()).status).toBe(200);
    const hit = await reached(channels);
    const others = hit.filter((r) => r.id !== first.id);
    expect(others).toHaveLength(1);
    expect(others[0].calls).toBe(5);
    expect(hit.find((r) => r.id === first.id)?.calls).toBe(2);
  });

  it('new sessions are placed by weight: 40 sessions over two equal channels reach both', async () => {
    const { admin, token, model, channel: a } = await setupCustomer();
    const b = await createChannel(admin, { models: [model] });
    for (let i = 0; i < 40; i++) {
      expect(
        (
          await call('POST', '/v1/chat/completions', {
            key: token.key,
            body: chatBody(model, { prompt_cache_key: uniq('spread-') }),
          })
        ).status,
      ).toBe(200);
    }
    const [na, nb] = [(await upstreamRequests(a.scenario)).length, (await upstreamRequests(b.scenario)).length];
    expect(na + nb).toBe(40);
    expect(na).toBeGreaterThan(5);
    expect(nb).toBeGreaterThan(5);
  });

  it('the log row has the session hash, scoped by key and never the raw value, and the cache read', async () => {
    const { admin, user, token, model, channel } = await setupCustomer();
    await upstreamMode(channel.scenario, 'ok', {
      usage: { prompt_tokens: 1200, completion_tokens: 5, cached_tokens: 1024 },
    });
    const other = await createToken(user.jwt);
    const raw = `user_${uniq('')}_session_${crypto.randomUUID()}`;
    for (const key of [token.key, other.key])
      expect((await call('POST', '/v1/messages', { key, body: messagesBody(model, raw) })).status).toBe(200);
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const rows = await waitFor(async () => {
      const items = await logsOf(user.jwt, token.id);
      return items.length === 2 ? items : undefined;
    });
    const [plain, pinned] = rows;
    expect(pinned.session_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(pinned.cache_read).toBe(true);
    expect(plain.session_hash).toBeNull();
    expect(JSON.stringify(rows)).not.toContain(raw);
    const [theirs] = await waitFor(async () => {
      const items = await logsOf(admin, other.id);
      return items.length === 1 ? items : undefined;
    });
    expect(theirs.session_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(theirs.session_hash).not.toBe(pinned.session_hash);
  });

  it('two customers with the same session id do not share a pin', async () => {
    const { admin, token, model, channels } = await threeChannels();
    const raw = uniq('shared-');
    for (let i = 0; i < 2; i++)
      expect(
        (
          await call('POST', '/v1/chat/completions', {
            key: token.key,
            body: chatBody(model, { prompt_cache_key: raw }),
          })
        ).status,
      ).toBe(200);
    // Eight other customers sending the same id are placed on their own: some land elsewhere.
    for (let i = 0; i < 8; i++) {
      const other = await createToken((await createUser(admin, { quota: 1_000_000 })).jwt);
      expect(
        (
          await call('POST', '/v1/chat/completions', {
            key: other.key,
            body: chatBody(model, { prompt_cache_key: raw }),
          })
        ).status,
      ).toBe(200);
    }
    expect((await reached(channels)).length).toBeGreaterThan(1);
  });
});
