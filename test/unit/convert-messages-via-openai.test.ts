import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  ChatStreamToMessagesWriter,
  chatResponseToMessage,
  messagesToChatRequest,
} from '../../worker/relay/convert/messages-via-openai';

type Obj = Record<string, unknown>;

const msgs = (out: Obj) => out.messages as Obj[];

/* ------------------------------------------------------------- stream helpers */

interface Ev {
  event: string;
  data: Obj;
}

/** Parses the writer's SSE text into events, checking each one's framing. */
function parseSse(text: string): Ev[] {
  const events: Ev[] = [];
  for (const raw of text.split('\n\n')) {
    if (!raw.trim()) continue;
    let event = '';
    const data: string[] = [];
    for (const line of raw.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else throw new Error(`unexpected SSE line: ${line}`);
    }
    const json = JSON.parse(data.join('\n')) as Obj;
    expect(json.type).toBe(event);
    events.push({ event, data: json });
  }
  return events;
}

/** Feeds upstream `data:` payloads (JSON text or `[DONE]`) the way the stream tap would. */
function feed(writer: ChatStreamToMessagesWriter, payloads: string[], callEnd = true): string {
  let out = '';
  for (const data of payloads) {
    let json: Obj | undefined;
    try {
      json = JSON.parse(data) as Obj;
    } catch {
      json = undefined;
    }
    out += writer.write({ data, event: undefined, id: undefined }, json);
  }
  if (callEnd) out += writer.end();
  return out;
}

const chunk = (delta: Obj, finish: string | null = null, id = 'chatcmpl-abc123') =>
  JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });

const usageChunk = (prompt: number, completion: number, cached = 0) =>
  JSON.stringify({
    id: 'chatcmpl-abc123',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
  });

const names = (evs: Ev[]) => evs.map((e) => e.event);
const deltas = (evs: Ev[], key: 'text' | 'partial_json') =>
  evs
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => (e.data.delta as Obj)[key])
    .filter((v): v is string => typeof v === 'string')
    .join('');

/* ------------------------------------------------------------------ request */

describe('messagesToChatRequest', () => {
  it('maps system, model, sampling fields and metadata; drops Anthropic-only fields', () => {
    const out = messagesToChatRequest(
      {
        model: 'claude-sonnet-4-5',
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 256,
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        metadata: { user_id: 'user-42' },
      },
      'gpt-4o-mini',
    );
    expect(out).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 256,
      temperature: 0.3,
      top_p: 0.9,
      user: 'user-42',
    });
  });

  it('joins a system given as text blocks (cache_control dropped)', () => {
    const out = messagesToChatRequest(
      {
        system: [
          { type: 'text', text: 'Part one.' },
          { type: 'text', text: 'Part two.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
        max_tokens: 10,
      },
      'm',
    );
    expect(msgs(out)[0]).toEqual({ role: 'system', content: 'Part one.\n\nPart two.' });
    expect(msgs(out)[1]).toEqual({ role: 'user', content: 'a\nb' });
  });

  it('maps base64 and url images to image_url parts', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      },
      'm',
    );
    expect(msgs(out)).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('maps a tool_use / tool_result round, tool messages before the remaining user text', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'sig' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C sunny' },
              { type: 'text', text: 'Also, be brief.' },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '22C' }, { type: 'text', text: 'clear' }], is_error: false },
            ],
          },
        ],
      },
      'm',
    );
    expect(msgs(out)).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C sunny' },
      { role: 'tool', tool_call_id: 'toolu_2', content: '22C\nclear' },
      { role: 'user', content: 'Also, be brief.' },
    ]);
  });

  it('gives an assistant turn with only tool_use a null content, and moves tool_result images to a user turn', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 100,
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'screenshot', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [
                  { type: 'text', text: 'captured' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
                ],
              },
            ],
          },
        ],
      },
      'm',
    );
    expect(msgs(out)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'screenshot', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'captured' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }] },
    ]);
  });

  it('maps tools and every tool_choice; drops server tools and a tool_choice without tools', () => {
    const tools = [
      { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'noop', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
    ];
    const base = { max_tokens: 10, messages: [{ role: 'user', content: 'x' }], tools };
    const out = messagesToChatRequest({ ...base, tool_choice: { type: 'auto' } }, 'm');
    expect(out.tools).toEqual([
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
      { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(out.tool_choice).toBe('auto');
    expect(out).not.toHaveProperty('parallel_tool_calls');
    expect(messagesToChatRequest({ ...base, tool_choice: { type: 'any' } }, 'm').tool_choice).toBe('required');
    expect(messagesToChatRequest({ ...base, tool_choice: { type: 'none' } }, 'm').tool_choice).toBe('none');
    const forced = messagesToChatRequest({ ...base, tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true } }, 'm');
    expect(forced.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(forced.parallel_tool_calls).toBe(false);
    expect(messagesToChatRequest({ ...base }, 'm')).not.toHaveProperty('tool_choice');

    const noTools = messagesToChatRequest({ max_tokens: 10, messages: [], tool_choice: { type: 'any' } }, 'm');
    expect(noTools).not.toHaveProperty('tools');
    expect(noTools).not.toHaveProperty('tool_choice');
  });

  it('maps stop_sequences to stop and stream to stream + include_usage', () => {
    const out = messagesToChatRequest({ max_tokens: 10, messages: [{ role: 'user', content: 'x' }], stop_sequences: ['\n\nHuman:', 'END'], stream: true }, 'm');
    expect(out.stop).toEqual(['\n\nHuman:', 'END']);
    expect(out.stream).toBe(true);
    expect(out.stream_options).toEqual({ include_usage: true });
    const plain = messagesToChatRequest({ max_tokens: 10, messages: [], stream: false, stop_sequences: [] }, 'm');
    expect(plain).not.toHaveProperty('stream');
    expect(plain).not.toHaveProperty('stream_options');
    expect(plain).not.toHaveProperty('stop');
  });
});

/* ----------------------------------------------------------------- response */

const completion = (message: Obj, finish: string | null, usage?: Obj, id: unknown = 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG'): Obj => ({
  id,
  object: 'chat.completion',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finish }],
  usage: usage ?? { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 } },
  system_fingerprint: 'fp_1',
});

describe('chatResponseToMessage', () => {
  it('maps a text completion', () => {
    const out = chatResponseToMessage(completion({ content: 'Hello there.' }, 'stop'), 'claude-sonnet-4-5');
    expect(out).toEqual({
      id: 'msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello there.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5 },
    });
  });

  it('maps tool calls (text first; invalid arguments -> {})', () => {
    const out = chatResponseToMessage(
      completion(
        {
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":"c"}' } },
            { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{"city":' } },
          ],
        },
        'tool_calls',
      ),
      'claude-x',
    );
    expect(out.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris', units: 'c' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
    ]);
    expect(out.stop_reason).toBe('tool_use');
  });

  it('omits the text block when content is null or empty', () => {
    const out = chatResponseToMessage(
      completion({ content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '' } }] }, 'tool_calls'),
      'c',
    );
    expect(out.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'f', input: {} }]);
    expect(chatResponseToMessage(completion({ content: '' }, 'stop'), 'c').content).toEqual([]);
  });

  it('maps finish reasons', () => {
    const reason = (finish: string | null, message: Obj = { content: 'x' }) => chatResponseToMessage(completion(message, finish), 'c').stop_reason;
    expect(reason('stop')).toBe('end_turn');
    expect(reason('length')).toBe('max_tokens');
    expect(reason('tool_calls')).toBe('tool_use');
    expect(reason('function_call', { content: null, function_call: { name: 'f', arguments: '{"a":1}' } })).toBe('tool_use');
    expect(reason('content_filter')).toBe('refusal');
    expect(reason(null)).toBe('end_turn');
    expect(reason('something_new')).toBe('end_turn');
  });

  it('reports cached prompt tokens as cache_read_input_tokens', () => {
    const out = chatResponseToMessage(
      completion({ content: 'ok' }, 'stop', { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 } }),
      'c',
    );
    expect(out.usage).toEqual({ input_tokens: 86, output_tokens: 300, cache_read_input_tokens: 1920 });
  });

  it('makes up an id when the upstream has none', () => {
    const out = chatResponseToMessage(completion({ content: 'ok' }, 'stop', undefined, null), 'c');
    expect(out.id).toMatch(/^msg_[0-9a-f]{24}$/);
  });
});

/* ------------------------------------------------------------------- stream */

describe('ChatStreamToMessagesWriter', () => {
  it('converts a text-only stream', () => {
    const w = new ChatStreamToMessagesWriter('claude-haiku-4-5');
    const out = feed(w, [chunk({ role: 'assistant', content: '', refusal: null }), chunk({ content: 'Hel' }), chunk({ content: 'lo, ' }), chunk({ content: 'world' }), chunk({}, 'stop'), '[DONE]']);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(evs[0].data.message).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    });
    expect(evs[1].data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(evs[2].data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    expect(evs[5].data).toEqual({ type: 'content_block_stop', index: 0 });
    expect(deltas(evs, 'text')).toBe('Hello, world');
    expect((evs[6].data.delta as Obj).stop_reason).toBe('end_turn');
    expect(out).not.toContain('[DONE]');
    expect(w.end()).toBe('');
  });

  it('converts a tool call whose arguments arrive in 3 fragments', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const args = ['{"city"', ': "Par', 'is"}'];
    const out = feed(w, [
      chunk({ role: 'assistant', content: null }),
      chunk({ content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      ...args.map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
      chunk({}, 'tool_calls'),
      usageChunk(80, 20),
      '[DONE]',
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(evs[4].data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', input: {} },
    });
    expect(evs.slice(5, 8).map((e) => e.data.index)).toEqual([1, 1, 1]);
    expect((evs[5].data.delta as Obj).type).toBe('input_json_delta');
    expect(deltas(evs, 'partial_json')).toBe(args.join(''));
    expect(deltas(evs, 'text')).toBe('Checking.');
    expect(evs[8].data).toEqual({ type: 'content_block_stop', index: 1 });
    expect(evs[9].data).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20, input_tokens: 80 } });
  });

  it('opens one tool_use block per tool call index', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const out = feed(w, [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"y":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '2}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const starts = evs.filter((e) => e.event === 'content_block_start').map((e) => e.data);
    expect(starts.map((s) => s.index)).toEqual([0, 1]);
    expect(starts.map((s) => (s.content_block as Obj).id)).toEqual(['call_a', 'call_b']);
    expect(deltas(evs.filter((e) => e.data.index === 1), 'partial_json')).toBe('{"y":2}');
  });

  it('finishes on the usage chunk, reports cached tokens, and ignores the [DONE] after it', () => {
    const w = new ChatStreamToMessagesWriter('c');
    let out = feed(w, [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, 'length'), usageChunk(1200, 16, 1024)], false);
    const evs = parseSse(out);
    expect(names(evs)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(evs[4].data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { output_tokens: 16, input_tokens: 176, cache_read_input_tokens: 1024 },
    });
    out = feed(w, ['[DONE]']);
    expect(out).toBe('');
  });

  it('closes a stream that ends without [DONE] or usage via end()', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const out = feed(w, [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'partial ans' }),
      chunk({ content: 'wer' }),
    ]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(deltas(evs, 'text')).toBe('partial answer');
    expect(evs[5].data).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0, input_tokens: 0 } });
    expect(names(evs).filter((n) => n === 'message_stop')).toHaveLength(1);
    expect(out).not.toContain('[DONE]');
  });

  it('keeps a well-formed message for an empty upstream stream, and ignores non-JSON data', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const evs = parseSse(feed(w, ['not json', '']));
    expect(names(evs)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('turns an upstream error chunk into an Anthropic error event and stops', () => {
    const w = new ChatStreamToMessagesWriter('c');
    const out = feed(w, [chunk({ content: 'a' }), JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }), chunk({ content: 'b' })]);
    const evs = parseSse(out);
    expect(names(evs)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(evs[3].data).toEqual({ type: 'error', error: { type: 'api_error', message: 'overloaded' } });
  });
});

/* ------------------------------------------- the official SDK reads the output */

function sdkClient(body: string, contentType: string): Anthropic {
  return new Anthropic({
    apiKey: 'test',
    baseURL: 'http://relay.test',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': contentType } }),
  });
}

describe('@anthropic-ai/sdk accepts the converted output', () => {
  it('accumulates a streamed text + tool_use message', async () => {
    const w = new ChatStreamToMessagesWriter('claude-sonnet-4-5');
    const sseText = feed(w, [
      chunk({ role: 'assistant', content: 'Sure.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(50, 9, 10),
      '[DONE]',
    ]);
    const stream = sdkClient(sseText, 'text/event-stream').messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
    const msg = await stream.finalMessage();
    expect(msg.content).toEqual([
      { type: 'text', text: 'Sure.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage.input_tokens).toBe(40);
    expect(msg.usage.output_tokens).toBe(9);
    expect(msg.usage.cache_read_input_tokens).toBe(10);
  });

  it('parses a converted non-streaming response', async () => {
    const body = JSON.stringify(chatResponseToMessage(completion({ content: 'Hello.' }, 'stop'), 'claude-sonnet-4-5'));
    const msg = await sdkClient(body, 'application/json').messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello.' }]);
    expect(msg.stop_reason).toBe('end_turn');
  });
});
