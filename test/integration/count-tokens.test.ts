/** POST /v1/messages/count_tokens: Anthropic's {input_tokens}, from an anthropic channel or counted locally; a valid key, no charge. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, upstreamMode, setupCustomer, upstreamRequests } from '../helpers';
import { balance } from '../support/relay';

function count(key: string | null, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
  if (key) headers['x-api-key'] = key;
  return SELF.fetch(`${BASE}/v1/messages/count_tokens`, { method: 'POST', headers, body: JSON.stringify(body) });
}

const body = (model: string) => ({
  model,
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'How many tokens is this?' }],
});

describe('POST /v1/messages/count_tokens', () => {
  it('asks an anthropic channel and answers its count, charging nothing', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' } });
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 4321 } });
    const res = await count(token.key, body(model));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input_tokens: 4321 });
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/v1/messages/count_tokens');
    expect(sent.body).toMatchObject(body(model));
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(await balance(user.jwt, user.id)).toBe(1_000_000);
  });

  it('counts locally for a model on another channel type, and never calls it', async () => {
    const { token, model, channel } = await setupCustomer();
    const res = await count(token.key, body(model));
    expect(res.status).toBe(200);
    const { input_tokens } = (await res.json()) as { input_tokens: number };
    expect(input_tokens).toBeGreaterThan(5);
    expect(input_tokens).toBeLessThan(60);
    expect(await upstreamRequests(channel.scenario)).toEqual([]);
  });

  it('needs a valid key', async () => {
    const { model } = await setupCustomer();
    expect((await count(null, body(model))).status).toBe(401);
    expect((await count('sk-not-a-key', body(model))).status).toBe(401);
  });
});
