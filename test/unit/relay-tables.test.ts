import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { FORMATS, formatOf, type Endpoint, type ParsedCall } from '../../worker/relay/formats';
import { CHANNEL_TYPES, providerFor, serves, speaksNatively } from '../../worker/relay/providers';
import { classifyUpstreamError } from '../../worker/relay/providers/errors';
import { flushPlan, type Pending } from '../../worker/account/pending';
import type { LogWrite } from '../../worker/db/logs';
import { counterFor } from '../../worker/relay/prompt/count';

const call = (endpoint: Endpoint, body: Record<string, unknown>): ParsedCall => ({
  body,
  ...formatOf(endpoint).shape(body),
});

describe('error classification (providers/errors.ts, Provider.classify)', () => {
  it.each([
    [400, 'invalid_api_key in the prompt text', { passBack: true, counts: false, keyDead: false }],
    [422, 'unprocessable', { passBack: true, counts: false, keyDead: false }],
    [401, 'whatever', { passBack: false, counts: true, keyDead: true }],
    [402, 'payment required', { passBack: false, counts: true, keyDead: true }],
    [
      403,
      '{"error":{"message":"Your API key is invalid: invalid_api_key"}}',
      { passBack: false, counts: true, keyDead: true },
    ],
    [
      403,
      '{"error":{"message":"this organization is not allowed here"}}',
      { passBack: false, counts: true, keyDead: false },
    ],
    [403, '{"error":{"message":"model gated for region"}}', { passBack: false, counts: false, keyDead: false }],
    [429, '{"error":{"code":"insufficient_quota"}}', { passBack: false, counts: true, keyDead: true }],
    [429, '{"error":{"message":"slow down"}}', { passBack: false, counts: false, keyDead: false }],
    [500, 'boom', { passBack: false, counts: true, keyDead: false }],
    [503, 'overloaded', { passBack: false, counts: true, keyDead: false }],
    [404, 'no such model', { passBack: false, counts: false, keyDead: false }],
  ])('HTTP %i %s', (status, body, verdict) => {
    expect(classifyUpstreamError(status, body)).toEqual(verdict);
  });

  it("Gemini's dead key is a 400 whose structured reason says so; any other 400 is the request's", () => {
    const dead = JSON.stringify({
      error: {
        code: 400,
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
    expect(providerFor('gemini').classify?.(400, dead)).toEqual({ passBack: false, counts: true, keyDead: true });
    expect(
      providerFor('gemini').classify?.(
        400,
        JSON.stringify({ error: { code: 400, message: 'API_KEY_INVALID in text only' } }),
      ),
    ).toBeNull();
    expect(providerFor('openai').classify).toBeUndefined();
  });
});

describe('the completion-limit writer (Format.withLimit)', () => {
  const limited = (endpoint: Endpoint, body: Record<string, unknown>, limit = 100) =>
    formatOf(endpoint).withLimit?.(call(endpoint, body), limit);

  it('chat: the field the client used, else max_tokens, else max_completion_tokens for reasoning models', () => {
    expect(limited('chat', { model: 'gpt-4o', messages: [] })).toMatchObject({ max_tokens: 100 });
    expect(limited('chat', { model: 'gpt-4o', messages: [], max_completion_tokens: 500 })).toMatchObject({
      max_completion_tokens: 100,
    });
    expect(limited('chat', { model: 'o3-mini', messages: [] })).toMatchObject({ max_completion_tokens: 100 });
    expect(limited('chat', { model: 'o3-mini', messages: [] })).not.toHaveProperty('max_tokens');
    expect(limited('chat', { model: 'gpt-5', messages: [], max_tokens: 9 })).toMatchObject({ max_tokens: 100 });
  });

  it('completions, responses and messages write their own field; embeddings have none', () => {
    expect(limited('completions', { model: 'm', prompt: 'p' })).toMatchObject({ max_tokens: 100 });
    expect(limited('responses', { model: 'm', input: 'p' })).toMatchObject({ max_output_tokens: 100 });
    expect(limited('messages', { model: 'm', max_tokens: 4096, messages: [] })).toMatchObject({ max_tokens: 100 });
    expect(formatOf('embeddings').withLimit).toBeNull();
  });

  it('messages: a thinking budget at or above the new limit comes down below it (at least 1024)', () => {
    const thinking = (budget: number, limit: number) =>
      limited(
        'messages',
        { model: 'm', max_tokens: 8000, messages: [], thinking: { type: 'enabled', budget_tokens: budget } },
        limit,
      );
    expect(thinking(4000, 3000)).toMatchObject({ max_tokens: 3000, thinking: { budget_tokens: 2999 } });
    expect(thinking(2000, 3000)).toMatchObject({ max_tokens: 3000, thinking: { budget_tokens: 2000 } });
    expect(thinking(2000, 1500)).toMatchObject({ max_tokens: 1500, thinking: { budget_tokens: 1499 } });
    expect(thinking(1500, 1000)).toMatchObject({ max_tokens: 1000, thinking: { budget_tokens: 1024 } });
  });

  it('gemini: in the spelling the client used, never both', () => {
    expect(limited('gemini', { contents: [] })).toEqual({ contents: [], generationConfig: { maxOutputTokens: 100 } });
    expect(limited('gemini', { contents: [], generationConfig: { temperature: 1, maxOutputTokens: 9 } })).toEqual({
      contents: [],
      generationConfig: { temperature: 1, maxOutputTokens: 100 },
    });
    expect(limited('gemini', { contents: [], generation_config: { max_output_tokens: 9 } })).toEqual({
      contents: [],
      generation_config: { max_output_tokens: 100 },
    });
    expect(limited('gemini', { contents: [], generationConfig: { max_output_tokens: 9 } })).toEqual({
      contents: [],
      generationConfig: { max_output_tokens: 100 },
    });
  });
});

describe('the shape each format reads (Format.shape)', () => {
  it('reads only its own fields', () => {
    expect(
      call('messages', { model: 'm', max_tokens: 10, messages: [], n: 3, stream_options: { include_usage: true } }),
    ).toMatchObject({ choices: 1, clientWantsUsage: false, maxCompletion: 10 });
    expect(
      call('chat', {
        model: 'm',
        messages: [],
        n: 2,
        max_completion_tokens: 7,
        max_tokens: 9,
        stream: true,
        stream_options: { include_usage: true },
      }),
    ).toMatchObject({ choices: 2, maxCompletion: 7, stream: true, clientWantsUsage: true });
    expect(
      call('gemini', { model: 'm', contents: [], generation_config: { candidate_count: 2, max_output_tokens: 5 } }),
    ).toMatchObject({ choices: 2, maxCompletion: 5, clientWantsUsage: true });
  });
});

describe('prompt counting (Format.countPrompt)', () => {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
  const count = (endpoint: Endpoint, body: Record<string, unknown>) =>
    formatOf(endpoint).countPrompt(counterFor('gpt-4o'), body);

  it('counts the same text alike in every format, with its framing', () => {
    const chat = count('chat', { messages: [{ role: 'user', content: text }] });
    expect(chat).toBeGreaterThan(150);
    expect(count('messages', { messages: [{ role: 'user', content: text }] })).toBe(chat);
    expect(count('responses', { input: [{ role: 'user', content: text }] })).toBe(chat);
    expect(count('gemini', { contents: [{ role: 'user', parts: [{ text }] }] })).toBe(chat);
    expect(count('responses', { input: text })).toBe(chat);
  });

  it('counts system prompts, instructions and tool definitions; skips labels and ids', () => {
    const bare = count('messages', { messages: [{ role: 'user', content: 'hi' }] });
    expect(count('messages', { system: text, messages: [{ role: 'user', content: 'hi' }] })).toBeGreaterThan(
      bare + 150,
    );
    const tool = {
      name: 'lookup',
      description: text,
      input_schema: { type: 'object', properties: { q: { type: 'string' } } },
    };
    expect(count('messages', { tools: [tool], messages: [{ role: 'user', content: 'hi' }] })).toBeGreaterThan(
      bare + 150,
    );
    expect(count('responses', { instructions: text, input: 'hi' })).toBeGreaterThan(
      count('responses', { input: 'hi' }) + 150,
    );
    expect(count('gemini', { systemInstruction: { parts: [{ text }] }, contents: [] })).toBeGreaterThan(150);
    const id = 'call_'.padEnd(400, 'x');
    expect(count('chat', { messages: [{ role: 'tool', tool_call_id: id, content: 'ok' }] })).toBe(
      count('chat', { messages: [{ role: 'tool', tool_call_id: 'c', content: 'ok' }] }),
    );
  });

  it('takes prompts given as token ids as they are', () => {
    expect(count('completions', { prompt: [1, 2, 3, 4] })).toBe(4);
    expect(
      count('embeddings', {
        input: [
          [1, 2],
          [3, 4, 5],
        ],
      }),
    ).toBe(5);
    expect(count('embeddings', { input: text })).toBeGreaterThan(150);
  });
});

describe('the registries', () => {
  it('every format has a path, a schema and a shape; no two share a path', () => {
    const paths = Object.values(FORMATS).flatMap((f) => f.paths);
    expect(new Set(paths).size).toBe(paths.length);
    for (const [name, format] of Object.entries(FORMATS)) expect(format.endpoint).toBe(name);
  });

  it("which channel types serve a format is read from each provider's serves table", () => {
    expect(CHANNEL_TYPES).toEqual(expect.arrayContaining(['openai', 'anthropic', 'gemini', 'deepseek']));
    const channel = (type: string, servesResponses = true) => ({ type, servesResponses });
    expect(serves(channel('anthropic'), 'embeddings')).toBe(false);
    expect(serves(channel('deepseek'), 'messages')).toBe(true);
    expect(speaksNatively('responses', channel('openai'))).toBe(true);
    expect(speaksNatively('responses', channel('openai', false))).toBe(false);
    expect(speaksNatively('messages', channel('anthropic'))).toBe(true);
    expect(speaksNatively('chat', channel('anthropic'))).toBe(false);
    for (const type of CHANNEL_TYPES) {
      const provider = providerFor(type);
      // A format served through the hub needs the provider's hub side to speak a format it serves natively.
      expect(provider.serves[provider.hub.endpoint]).toBe('native');
    }
  });

  it('builds DeepSeek requests on its own path, with its own auth', () => {
    const { url, init } = providerFor('deepseek').request('https://api.deepseek.com/', 'sk-ds', {
      endpoint: 'chat',
      body: { messages: [] },
      model: 'deepseek-chat',
      stream: false,
      headers: new Headers(),
    });
    expect(url).toBe('https://api.deepseek.com/chat/completions');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer sk-ds');
    expect(
      providerFor('openai').request('https://api.openai.com/v1', 'k', {
        endpoint: 'chat',
        body: {},
        model: 'm',
        stream: false,
        headers: new Headers(),
      }).url,
    ).toBe('https://api.openai.com/v1/chat/completions');
  });
});

describe('the flush plan (account/pending.ts)', () => {
  const log = (requestId: string, ip: string | null, tokenId: number | null = 7): LogWrite => ({
    created_at: 1,
    request_id: requestId,
    user_id: 1,
    token_id: tokenId,
    channel_id: 1,
    model: 'm',
    endpoint: 'chat',
    is_stream: false,
    prompt_tokens: 1,
    completion_tokens: 1,
    cached_tokens: 0,
    usage_counted: false,
    quota: 2,
    capped: false,
    model_ratio: 1,
    completion_ratio: 1,
    group_ratio: 1,
    ip,
    status: 200,
    error_code: null,
    latency_ms: 1,
    attempts: 1,
    session_hash: null,
    cache_read: false,
  });

  it('writes each row, notes each (key, IP) once, sums the ledger and mirrors the balance and the caps touched', () => {
    const rows: Pending[] = [
      { kind: 'log', row: log('a', '198.51.100.1') },
      { kind: 'log', row: log('b', '198.51.100.1') },
      { kind: 'log', row: log('c', '198.51.100.2') },
      { kind: 'log', row: log('d', null) },
      { kind: 'log', row: log('e', '198.51.100.3', null) },
      {
        kind: 'ledger',
        entry: { uid: 'u1', userId: 1, tokenId: 7, delta: -2, balanceAfter: 98, reason: 'charge', createdAt: 1 },
      },
      {
        kind: 'ledger',
        entry: { uid: 'u2', userId: 1, tokenId: null, delta: 50, balanceAfter: 148, reason: 'adjust', createdAt: 1 },
      },
      { kind: 'cap', tokenId: 9 },
    ];
    const caps = new Map([[7, { remain: 10, used: 2 }]]);
    const plan = flushPlan(
      env.DB,
      rows,
      { userId: 1, balance: 148, used: 2 },
      (id) => caps.get(id),
      new Set(['7|198.51.100.2']),
      5,
    );
    expect(plan.notedIps).toEqual(['7|198.51.100.1']);
    expect(plan.ledgerDelta).toBe(48);
    // 5 logs + 1 IP note + 2 ledger rows + the balance mirror + the cap of token 7 (token 9 has no cap record).
    expect(plan.statements).toHaveLength(10);
  });
});
