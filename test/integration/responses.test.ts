import { SELF } from 'cloudflare:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { BASE, setPricing, setupCustomer, upstreamMode, upstreamRequests } from '../helpers';
import { balance, logFor, type Err } from '../support/relay';

function post(key: string, body: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  input_tokens_details: { cached_tokens: number };
}
interface ResponseObject {
  object: string;
  status: string;
  output: { type: string; name?: string; content?: { text: string }[] }[];
  usage: ResponseUsage;
}

/** The SSE events of a Responses stream, parsed. */
function events(text: string): { type: string; response?: ResponseObject }[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((l) => l.startsWith('data: ')))
    .filter((l): l is string => !!l)
    .map((l) => JSON.parse(l.slice(6)));
}

describe('POST /v1/responses on an OpenAI channel', () => {
  it('answers the Responses object and charges its usage by the contract formula', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 2, completion_ratio: 3 } });
    const res = await post(token.key, { model, input: 'Say hello', instructions: 'Be brief.' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResponseObject;
    expect(body).toMatchObject({ object: 'response', status: 'completed' });
    const { input_tokens: p, output_tokens: c } = body.usage;
    const expected = (p + c * 3) * 2;
    expect(Number(res.headers.get('x-quota-charged'))).toBe(expected);
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: p, completion_tokens: c, quota: expected, usage_counted: false });
    expect(await balance(user.jwt, user.id)).toBe(1_000_000 - expected);
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toMatchObject({ input: 'Say hello', instructions: 'Be brief.' });
    expect(typeof sent.body?.max_output_tokens).toBe('number'); // the hold's allowance, always sent
  });

  it("streams the events in their real order and bills response.completed's usage", async () => {
    const { user, token, model } = await setupCustomer({ price: { model_ratio: 1 } });
    const res = await post(token.key, {
      model,
      stream: true,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
    });
    expect(res.status).toBe(200);
    const list = events(await res.text());
    const types = list.map((e) => e.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types.indexOf('response.output_text.delta')).toBeGreaterThan(types.indexOf('response.content_part.added'));
    const usage = list.at(-1)?.response?.usage;
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      is_stream: true,
      prompt_tokens: usage?.input_tokens,
      completion_tokens: usage?.output_tokens,
      usage_counted: false,
    });
  });

  it('a stream cut before response.completed is billed for the text delivered, and the client gets an error event', async () => {
    const { user, token, model, channel } = await setupCustomer({ price: { model_ratio: 1 } });
    await upstreamMode(channel.scenario, 'cut_stream', { chunks: 50, cut_after: 20 });
    const res = await post(token.key, { model, stream: true, input: 'Count' });
    const text = await res.text();
    expect(text).not.toContain('response.completed');
    expect(events(text).at(-1)?.type).toBe('error');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.usage_counted).toBe(true);
    expect(row.completion_tokens).toBe(countTokens(' tok'.repeat(20)));
  });

  it('passes function tools and tool_choice through and bills the call the model makes', async () => {
    const { token, model, channel } = await setupCustomer();
    const tools = [
      {
        type: 'function',
        name: 'weather',
        description: 'Weather by city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const res = await post(token.key, { model, input: 'Weather in Paris?', tools, tool_choice: 'required' });
    const body = (await res.json()) as ResponseObject;
    expect(body.output[0]).toMatchObject({ type: 'function_call', name: 'weather' });
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.body).toMatchObject({ tools, tool_choice: 'required' });
    const followUp = await post(token.key, {
      model,
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' },
      ],
    });
    expect(followUp.status).toBe(200);
  });

  it('refuses a malformed body with 400 naming the field, and sends nothing upstream', async () => {
    const { token, model, channel } = await setupCustomer();
    for (const [body, field] of [
      [{ model, input: 5 }, 'input'],
      [{ model, input: [{ type: 'function_call', name: 'x' }] }, 'input.0'],
      [{ model, input: 'hi', max_output_tokens: -1 }, 'max_output_tokens'],
      [{ model, input: 'hi', tools: [{ type: 'function' }] }, 'tools.0.name'],
    ] as const) {
      const res = await post(token.key, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Err).error.message).toContain(field);
    }
    expect(await upstreamRequests(channel.scenario)).toEqual([]);
  });
});

describe('POST /v1/responses converted, on channels without a native Responses API', () => {
  it('an OpenAI-compatible channel marked responses: false gets chat completions, and the client a Response', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { responses: false },
      price: { model_ratio: 1 },
    });
    const tools = [
      { type: 'function', name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    ];
    const res = await post(token.key, {
      model,
      instructions: 'Be brief.',
      tools,
      tool_choice: { type: 'function', name: 'weather' },
      max_output_tokens: 50,
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { type: 'function_call', call_id: 'call_9', name: 'weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_9', output: '{"temp":3}' },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResponseObject;
    expect(body).toMatchObject({ object: 'response', status: 'completed' });
    expect(body.output[0]).toMatchObject({ type: 'message', content: [{ text: expect.any(String) }] });
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({
      max_tokens: 50,
      tool_choice: { type: 'function', function: { name: 'weather' } },
      tools: [{ type: 'function', function: { name: 'weather' } }],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_9', content: '{"temp":3}' },
      ],
    });
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      prompt_tokens: body.usage.input_tokens,
      completion_tokens: body.usage.output_tokens,
      quota: body.usage.input_tokens + body.usage.output_tokens,
    });
  });

  it('an Anthropic channel serves it through Messages, streamed in the Responses event order', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1 },
    });
    const res = await post(token.key, { model, stream: true, input: 'Hello' });
    expect(res.status).toBe(200);
    const list = events(await res.text());
    const types = list.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types).toContain('response.output_text.delta');
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const done = list.at(-1)?.response;
    expect(done?.status).toBe('completed');
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/v1/messages');
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      is_stream: true,
      prompt_tokens: done?.usage.input_tokens,
      completion_tokens: done?.usage.output_tokens,
      usage_counted: false,
    });
  });

  it('an Anthropic channel answers a non-streamed call as a Response', async () => {
    const { token, model } = await setupCustomer({ channel: { type: 'anthropic' } });
    const res = await post(token.key, { model, input: 'Hello', instructions: 'Be brief.' });
    const body = (await res.json()) as ResponseObject;
    expect(body).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message' }] });
    expect(body.usage.input_tokens).toBeGreaterThan(0);
  });

  it('previous_response_id, store and item references answer 400 naming them where no channel serves Responses natively', async () => {
    const { token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' } });
    for (const [extra, param] of [
      [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ store: true }, 'store'],
      [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input.0'],
    ] as const) {
      const res = await post(token.key, { model, input: 'Hi', ...extra });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Err).error.message).toContain(param);
    }
    expect(await upstreamRequests(channel.scenario)).toEqual([]);
  });
});

describe('built-in tools on a native channel', () => {
  const webSearch = [{ type: 'web_search_preview' }];

  it("are billed per call at the operator's price for the tool, within a hold that caps the calls", async () => {
    const { admin, user, token, model, channel } = await setupCustomer({ price: { model_ratio: 1 } });
    await setPricing(admin, { models: { 'tool:web_search_preview': { price_per_call: 0.01 } } });
    const res = await post(token.key, { model, input: 'News today?', tools: webSearch });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResponseObject;
    expect(body.output.map((o) => o.type)).toEqual(['web_search_call', 'message']);
    const tokens = body.usage.input_tokens + body.usage.output_tokens;
    expect(Number(res.headers.get('x-quota-charged'))).toBe(tokens + 5000); // $0.01 is 5,000 units
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.body).toMatchObject({ tools: webSearch, max_tool_calls: 8 });
    // streamed: the same call counted from the events
    const streamed = await post(token.key, {
      model,
      input: 'News?',
      tools: webSearch,
      stream: true,
      max_tool_calls: 2,
    });
    const done = events(await streamed.text()).at(-1)?.response;
    const row = await logFor(user.jwt, streamed.headers.get('x-request-id')!);
    expect(row.quota).toBe((done?.usage.input_tokens ?? 0) + (done?.usage.output_tokens ?? 0) + 5000);
  });

  it('a balance short of the capped calls gets 402 before anything is sent', async () => {
    const { admin, token, model, channel } = await setupCustomer({ quota: 30_000 });
    await setPricing(admin, { models: { 'tool:web_search_preview': { price_per_call: 0.01 } } });
    const short = await post(token.key, { model, input: 'Hi', tools: webSearch }); // 8 calls x 5,000 > 30,000
    expect(short.status).toBe(402);
    const fewer = await post(token.key, { model, input: 'Hi', tools: webSearch, max_tool_calls: 2 });
    expect(fewer.status).toBe(200);
    expect(await upstreamRequests(channel.scenario)).toHaveLength(1);
  });
});
