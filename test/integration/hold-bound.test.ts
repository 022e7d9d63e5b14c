import { describe, expect, it } from 'vitest';
import { call, chatBody, setupCustomer, upstreamMode, upstreamRequests } from '../helpers';
import { logFor } from '../support/relay';
import { FORMATS } from '../../worker/relay/formats';
import { boundFor, counterFor } from '../../worker/relay/prompt/count';

// A prompt whose UTF-8 bytes (the hold's cheap bound) are several times its tokens.
const LONG = 'hello world '.repeat(400);

describe('the hold on a cheap prompt bound', () => {
  it('a tight balance still gets the exact count and the largest completion limit it can cover', async () => {
    const body = chatBody('m', { messages: [{ role: 'user', content: LONG }], max_tokens: 1000 });
    const exact = FORMATS.chat.countPrompt(counterFor('m'), body);
    const bound = FORMATS.chat.countPrompt(boundFor('m'), body);
    expect(bound).toBeGreaterThan(exact + 1000);
    // Enough for the exact prompt and 100 completion tokens, far from enough for the bound.
    const { user, token, model, channel } = await setupCustomer({ quota: exact + 100, price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'ok', { usage: { prompt_tokens: exact, completion_tokens: 100 } });
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: { ...body, model } });
    expect(res.status).toBe(200);
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.body?.max_tokens).toBe(100);
    expect(await logFor(user.jwt, res.headers.get('x-request-id')!)).toMatchObject({
      quota: exact + 100,
      capped: false,
    });
  });

  it('a call whose provider reports no usage is billed by the exact count, not the bound', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'no_usage');
    const body = { model, messages: [{ role: 'user', content: LONG }] };
    const exact = FORMATS.chat.countPrompt(counterFor(model), body);
    for (const stream of [false, true]) {
      const res = await call('POST', '/v1/chat/completions', { key: token.key, body: { ...body, stream } });
      expect(res.status).toBe(200);
      const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
      expect(row).toMatchObject({ usage_counted: true, prompt_tokens: exact });
    }
  });
});
