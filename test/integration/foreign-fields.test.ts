/**
 * Fields one format does not know but another does ("foreign" fields: OpenAI's `n` or
 * `stream_options` in an Anthropic body), sent with the wrong type. Issue 19 found five such
 * /v1/messages bodies answering 500 on an OpenAI channel.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, setupCustomer, upstreamRequests } from '../helpers';

const messagesBody = (model: string, extra: Record<string, unknown>) => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

/** Each names the field the 400 must name. */
const FIVE: readonly { name: string; field: string; extra: Record<string, unknown> }[] = [
  { name: 'max_completion_tokens: {}', field: 'max_completion_tokens', extra: { max_completion_tokens: {} } },
  { name: 'n: 1e308 with stream_options: "12"', field: 'stream_options', extra: { n: 1e308, stream_options: '12' } },
  { name: 'stream_options: 12', field: 'stream_options', extra: { stream_options: 12, stream: true } },
  { name: 'logprobs: "x"', field: 'logprobs', extra: { logprobs: 'x' } },
  { name: 'response_format: 5', field: 'response_format', extra: { response_format: 5 } },
];

async function post(key: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await SELF.fetch(`${BASE}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('/v1/messages with a foreign field of the wrong type', () => {
  for (const type of ['openai', 'anthropic']) {
    it(`answers 400 naming the field, never 5xx, on an ${type} channel`, async () => {
      const { token, model, channel } = await setupCustomer({ channel: { type } });
      const wrong: string[] = [];
      for (const { name, field, extra } of FIVE) {
        const res = await post(token.key, messagesBody(model, extra));
        const error =
          res.status === 400 ? (JSON.parse(res.text) as { error: { code: string; message: string } }).error : null;
        if (error?.code !== 'invalid_request' || !error.message.startsWith(`${field}: `))
          wrong.push(`${name} -> ${res.status} ${res.text.slice(0, 160)}`);
      }
      expect(wrong).toEqual([]);
      expect(await upstreamRequests(channel.scenario)).toEqual([]);
      // Of the right JSON type, a foreign value is the business of the format that knows it: never a 5xx here.
      for (const extra of [
        { n: 1e308 },
        { max_completion_tokens: -1 },
        { n: 3, stream_options: { include_usage: true }, stream: true },
      ]) {
        const res = await post(token.key, messagesBody(model, extra));
        expect(res.status, `${JSON.stringify(extra)}: ${res.text.slice(0, 200)}`).toBe(200);
      }
    });
  }

  it('passes an unknown field to an anthropic channel and drops a foreign one on the way to an openai channel', async () => {
    const native = await setupCustomer({ channel: { type: 'anthropic' } });
    expect((await post(native.token.key, messagesBody(native.model, { x_vendor_flag: { a: 1 } }))).status).toBe(200);
    expect((await upstreamRequests(native.channel.scenario))[0].body).toMatchObject({ x_vendor_flag: { a: 1 } });

    const converted = await setupCustomer({ channel: { type: 'openai' } });
    const res = await post(
      converted.token.key,
      messagesBody(converted.model, { x_vendor_flag: { a: 1 }, n: 3, logprobs: true }),
    );
    expect(res.status, res.text).toBe(200);
    const sent = (await upstreamRequests(converted.channel.scenario))[0].body ?? {};
    expect(sent).not.toHaveProperty('x_vendor_flag');
    expect(sent).not.toHaveProperty('n');
    expect(sent).not.toHaveProperty('logprobs');
  });
});

/** Google takes Gemini's fields in snake_case too (`generation_config`), and the converters read both spellings. */
describe('Gemini snake_case spellings', () => {
  const path = (model: string) => `${BASE}/v1beta/models/${model}:generateContent`;
  const body = (extra: Record<string, unknown>) => ({
    contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    ...extra,
  });
  const post = async (key: string, model: string, b: unknown) => {
    const res = await SELF.fetch(path(model), {
      method: 'POST',
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(b),
    });
    return { status: res.status, text: await res.text() };
  };

  it('answers 400 naming a wrong-typed field in either spelling', async () => {
    const { token, model } = await setupCustomer({ channel: { type: 'openai' } });
    const wrong: string[] = [];
    for (const [field, extra] of [
      ['generation_config.candidate_count', { generation_config: { candidate_count: 'x' } }],
      ['generation_config.max_output_tokens', { generation_config: { max_output_tokens: {} } }],
      ['generation_config', { generation_config: 5 }],
      ['system_instruction', { system_instruction: 'Be terse.' }],
    ] as const) {
      const res = await post(token.key, model, body(extra));
      const error =
        res.status === 400 ? (JSON.parse(res.text) as { error: { status: string; message: string } }).error : null;
      if (error?.status !== 'INVALID_ARGUMENT' || !error.message.startsWith(`${field}: `))
        wrong.push(`${field} -> ${res.status} ${res.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('holds for the snake_case limit and choices, and sets the limit in the spelling the client used', async () => {
    const { token, model, channel } = await setupCustomer({ channel: { type: 'gemini' } });
    const res = await post(
      token.key,
      model,
      body({ generation_config: { max_output_tokens: 40, candidate_count: 2 } }),
    );
    expect(res.status, res.text).toBe(200);
    const sent = (await upstreamRequests(channel.scenario))[0].body ?? {};
    expect(sent).not.toHaveProperty('generationConfig');
    expect(sent).toMatchObject({ generation_config: { max_output_tokens: 40, candidate_count: 2 } });
    // A balance that covers one choice of 40 tokens but not two: the hold counts both, and lowers the limit to fit.
    const poor = await setupCustomer({ quota: 60, channel: { type: 'openai' } });
    const capped = await post(
      poor.token.key,
      poor.model,
      body({ generation_config: { max_output_tokens: 40, candidate_count: 2 } }),
    );
    expect(capped.status, capped.text).toBe(200);
    const asked = (await upstreamRequests(poor.channel.scenario))[0].body ?? {};
    expect(asked.n).toBe(2);
    expect(asked.max_tokens).toBeLessThan(40);
  });
});
