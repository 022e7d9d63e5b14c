import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, chatBody, setupCustomer, upstreamMode, upstreamRequests, waitFor } from '../helpers';

interface LogItem {
  request_id: string;
  quota: number;
  status: number;
  capped: boolean;
}

const documentBlock = (words: number) => ({
  type: 'document',
  source: {
    type: 'text',
    media_type: 'text/plain',
    data: Array.from({ length: words }, (_, i) => `word${i % 50}`).join(' '),
  },
});

async function settledLogs(jwt: string, count: number): Promise<LogItem[]> {
  return waitFor(async () => {
    const r = await call<{ items: LogItem[] }>('GET', '/api/logs?limit=200', { jwt });
    return r.body.items.length >= count ? r.body.items : undefined;
  }, 10_000);
}

describe('bounded exposure: the hold counts every part of the input', () => {
  it('the document attack: 40 parallel calls with a 3,000-token document on a 5,000-unit balance cost no more than the balance', async () => {
    const { user, token, model, channel } = await setupCustomer({
      quota: 5000,
      channel: { type: 'anthropic' },
      price: { model_ratio: 1 },
    });
    // The upstream reports what a real one would: the document's tokens (1,500 words of 2 tokens,
    // the instruction and the framing). One call's hold (3,026) fits the balance, two do not.
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: 3010, completion_tokens: 16 } });
    const body = {
      model,
      max_tokens: 16,
      messages: [{ role: 'user', content: [documentBlock(1500), { type: 'text', text: 'Summarise.' }] }],
    };
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        SELF.fetch(`${BASE}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': token.key, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
      ),
    );
    const served = results.filter((r) => r.status === 200).length;
    // one call fits the balance (a hold that refused them all would prove nothing), a second does not
    expect(served).toBe(1);
    expect(results.filter((r) => r.status === 402)).toHaveLength(40 - served);
    const rows = await settledLogs(user.jwt, 40);
    expect(rows.some((r) => r.capped)).toBe(false);
    expect(rows.reduce((s, r) => s + r.quota, 0)).toBe(served * 3026);
  });

  it('counts images, tool results of any shape and tool definitions in the hold', async () => {
    const { token, model } = await setupCustomer({ quota: 1500, price: { model_ratio: 1 } });
    // a 1024x1024 PNG header: 765 tokens at high detail under OpenAI's tile rule
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 4, 0, 0, 0, 4, 0, 8, 2,
      0, 0, 0,
    ]);
    const url = `data:image/png;base64,${btoa(String.fromCharCode(...png))}`;
    const image = { type: 'image_url', image_url: { url, detail: 'high' } };
    const twoImages = chatBody(model, {
      max_tokens: 16,
      messages: [{ role: 'user', content: [image, image, { type: 'text', text: 'Compare.' }] }],
    });
    const refused = await call<{ error: { code: string } }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: twoImages,
    });
    expect(refused.status).toBe(402);
    const oneImage = chatBody(model, {
      max_tokens: 16,
      messages: [{ role: 'user', content: [image, { type: 'text', text: 'Describe.' }] }],
    });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: oneImage })).status).toBe(200);
  });
});

describe('bounded exposure: the completion allowance', () => {
  it("sends a request without a limit with the allowance as its limit: the operator's max_output_tokens, else the default reserve", async () => {
    const withLimit = await setupCustomer({ price: { model_ratio: 1, max_output_tokens: 300 } });
    expect(
      (await call('POST', '/v1/chat/completions', { key: withLimit.token.key, body: chatBody(withLimit.model) }))
        .status,
    ).toBe(200);
    const [sent] = await upstreamRequests(withLimit.channel.scenario);
    expect(sent.body?.max_tokens).toBe(300);

    const plain = await setupCustomer({ price: { model_ratio: 1 } });
    expect(
      (await call('POST', '/v1/chat/completions', { key: plain.token.key, body: chatBody(plain.model) })).status,
    ).toBe(200);
    const [sentPlain] = await upstreamRequests(plain.channel.scenario);
    expect(sentPlain.body?.max_tokens).toBe(1024);

    // Anthropic Messages served by an OpenAI channel, and chat served by an Anthropic channel, carry it too
    const converted = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1, max_output_tokens: 500 },
    });
    expect(
      (await call('POST', '/v1/chat/completions', { key: converted.token.key, body: chatBody(converted.model) }))
        .status,
    ).toBe(200);
    expect((await upstreamRequests(converted.channel.scenario))[0].body?.max_tokens).toBe(500);
  });

  it("ships known models' output limits, and the operator's value wins", async () => {
    const known = await setupCustomer({ model: 'gpt-4o-mini', price: { model_ratio: 0.075, completion_ratio: 4 } });
    const listed = await call<{ models: { model: string; max_output_tokens: number | null }[] }>('GET', '/api/pricing');
    expect(listed.body.models.find((m) => m.model === 'gpt-4o-mini')?.max_output_tokens).toBe(16384);
    await call('PUT', '/api/pricing', {
      jwt: known.admin,
      body: { models: { 'gpt-4o-mini': { max_output_tokens: 2000 } } },
    });
    const after = await call<{ models: { model: string; max_output_tokens: number | null; model_ratio: number }[] }>(
      'GET',
      '/api/pricing',
    );
    expect(after.body.models.find((m) => m.model === 'gpt-4o-mini')).toMatchObject({
      max_output_tokens: 2000,
      model_ratio: 0.075,
    });
  });

  it('sends the largest limit the balance covers, and refuses below 16 completion tokens', async () => {
    const { user, token, model, channel } = await setupCustomer({ quota: 300, price: { model_ratio: 1 } });
    const res = await call('POST', '/v1/chat/completions', {
      key: token.key,
      body: chatBody(model, { max_tokens: 4000 }),
    });
    expect(res.status).toBe(200);
    const [sent] = await upstreamRequests(channel.scenario);
    const limit = sent.body?.max_tokens as number;
    expect(limit).toBeGreaterThanOrEqual(16);
    expect(limit).toBeLessThan(300);
    await waitFor(
      async () =>
        (await call<{ quota: number }>('GET', `/api/users/${user.id}`, { jwt: user.jwt })).body.quota === 300 - 15,
    );
    // 285 left: a prompt of ~280 tokens leaves less than 16 completion tokens
    const long = chatBody(model, { max_tokens: 4000, messages: [{ role: 'user', content: 'hello '.repeat(280) }] });
    const refused = await call<{ error: { code: string } }>('POST', '/v1/chat/completions', {
      key: token.key,
      body: long,
    });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe('insufficient_quota');
  });

  it('a key cap bounds the limit the same way', async () => {
    const { token, model, channel } = await setupCustomer({
      quota: 1_000_000,
      price: { model_ratio: 1 },
      token: { remain_quota: 200 },
    });
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.body?.max_tokens as number).toBeLessThan(200);
  });
});
