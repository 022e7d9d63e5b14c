import { describe, expect, it } from 'vitest';
import {
  call,
  chatBody,
  createChannel,
  setupCustomer,
  uniq,
  upstreamMode,
  upstreamRequests,
  waitFor,
} from '../helpers';

interface Rate {
  requests: number;
  cache_reads: number;
  hit_rate: number;
  prompt_tokens: number;
  cached_tokens: number;
  token_rate: number;
}
interface CacheStats {
  by_model: (Rate & { model: string })[];
  by_channel: (Rate & { channel_id: number })[];
}

describe('the prompt cache hit rate', () => {
  it('by model and by channel, in the API, the overview and the channels page', async () => {
    const { admin, user, token, model, channel: warm } = await setupCustomer();
    const cold = await createChannel(admin, { models: [model], name: uniq('cold-') });
    await upstreamMode(warm.scenario, 'ok', {
      usage: { prompt_tokens: 1000, completion_tokens: 5, cached_tokens: 800 },
    });
    await upstreamMode(cold.scenario, 'ok', { usage: { prompt_tokens: 1000, completion_tokens: 5 } });
    // Sessions spread over both channels; each session's calls stay on its own.
    for (let i = 0; i < 8; i++) {
      const body = chatBody(model, { prompt_cache_key: uniq('s-') });
      for (let j = 0; j < 2; j++)
        expect((await call('POST', '/v1/chat/completions', { key: token.key, body })).status).toBe(200);
    }
    const [nWarm, nCold] = [
      (await upstreamRequests(warm.scenario)).length,
      (await upstreamRequests(cold.scenario)).length,
    ];
    expect(nWarm + nCold).toBe(16);
    const stats = await waitFor(async () => {
      const s = (await call<CacheStats>('GET', '/api/stats/cache', { jwt: user.jwt })).body;
      return s.by_model[0]?.requests === 16 ? s : undefined;
    });
    expect(stats.by_model).toEqual([
      {
        model,
        requests: 16,
        cache_reads: nWarm,
        hit_rate: nWarm / 16,
        prompt_tokens: 16_000,
        cached_tokens: 800 * nWarm,
        token_rate: (800 * nWarm) / 16_000,
      },
    ]);
    const byChannel = new Map(stats.by_channel.map((r) => [r.channel_id, r]));
    if (nWarm > 0) expect(byChannel.get(warm.id)).toMatchObject({ requests: nWarm, cache_reads: nWarm, hit_rate: 1 });
    if (nCold > 0) expect(byChannel.get(cold.id)).toMatchObject({ requests: nCold, cache_reads: 0, hit_rate: 0 });

    const overview = await call<string>('GET', '/', { headers: { cookie: `relay_session=${user.jwt}` } });
    expect(overview.status).toBe(200);
    expect(overview.body).toContain('data-testid="cache-by-model"');
    expect(overview.body).toContain(`${((nWarm / 16) * 100).toFixed(1)}%`);
    const channels = await call<string>('GET', '/admin/channels', { headers: { cookie: `relay_session=${admin}` } });
    expect(channels.status).toBe(200);
    expect(channels.body).toContain('data-testid="channel-cache"');
    if (nWarm > 0) expect(channels.body).toContain(`${nWarm} of ${nWarm} calls`);
    const logs = await call<string>('GET', '/logs', { headers: { cookie: `relay_session=${user.jwt}` } });
    expect(logs.body).toContain('data-testid="log-session"');
  });
});
