import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { chatRequest, completionsRequest, embeddingsRequest, inboundSchemas, messagesRequest, type InboundFormat } from '../../worker/relay/schemas';
import { chatToMessagesRequest } from '../../worker/relay/convert/chat-via-anthropic';
import { messagesToChatRequest } from '../../worker/relay/convert/messages-via-openai';
import { malformedBodies, type MalformedBody } from '../support/malformed';

/** What the relay answers for a rejected body. */
function firstError(schema: z.ZodType, body: unknown): string | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return `${issue.path.join('.')}: ${issue.message}`;
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/* ------------------------------------------------------------ valid bodies */

const chatBodies: Record<string, Record<string, unknown>> = {
  minimal: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] },
  agentic: {
    model: 'gpt-4.1',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Prefer metric units.' }] },
      {
        role: 'user',
        name: 'ada',
        content: [
          { type: 'text', text: 'What is in these, and how hot is Paris?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { filename: 'notes.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'file', file: { file_id: 'file-abc123' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'custom', custom: { name: 'sql', input: 'SELECT 1' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":21}' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '1' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It is 21 °C.' }, { type: 'refusal', refusal: 'No images of people.' }] },
      { role: 'function', name: 'legacy', content: null },
      { role: 'user', content: 'Thanks! 🙂' },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
          strict: true,
        },
      },
      { type: 'custom', custom: { name: 'sql', description: 'Run SQL', format: { type: 'text' } } },
      { type: 'web_search_preview', search_context_size: 'low' },
    ],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: 1024,
    max_tokens: null,
    temperature: 0.2,
    top_p: 0.9,
    presence_penalty: 0.5,
    frequency_penalty: -0.5,
    logit_bias: { '50256': -100 },
    stop: ['\n\n', 'END'],
    n: 1,
    seed: 42,
    user: 'user-1234',
    logprobs: true,
    top_logprobs: 3,
    reasoning_effort: 'low',
    modalities: ['text'],
    metadata: { trace: 'abc' },
    store: false,
    service_tier: 'auto',
    // provider extensions pass through
    top_k: 40,
    chat_template_kwargs: { enable_thinking: false },
  },
  legacyFunctions: {
    model: 'gpt-3.5-turbo',
    messages: [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } },
      { role: 'function', name: 'get_weather', content: 'sunny' },
    ],
    functions: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }],
    function_call: { name: 'get_weather' },
    stop: 'END',
    tool_choice: 'auto',
  },
};

const completionsBodies: Record<string, Record<string, unknown>> = {
  text: { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi', max_tokens: 16, temperature: 0, stop: ['\n'], echo: false, logprobs: 2, suffix: null, best_of: 1 },
  batch: { model: 'gpt-3.5-turbo-instruct', prompt: ['a', 'b'], n: 2, stream: true, stream_options: { include_usage: true }, seed: 7, user: 'u' },
  tokens: { model: 'davinci-002', prompt: [1, 2, 3] },
  tokenBatch: { model: 'davinci-002', prompt: [[1, 2], [3]] },
  empty: { model: 'davinci-002', prompt: '' },
};

const embeddingsBodies: Record<string, Record<string, unknown>> = {
  text: { model: 'text-embedding-3-small', input: 'hello world' },
  batch: { model: 'text-embedding-3-small', input: ['hello', 'world'], encoding_format: 'float', dimensions: 256, user: 'u' },
  tokens: { model: 'text-embedding-ada-002', input: [15339, 1917], encoding_format: 'base64' },
  tokenBatch: { model: 'text-embedding-ada-002', input: [[15339], [1917, 0]] },
};

const messagesBodies: Record<string, Record<string, unknown>> = {
  minimal: { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] },
  agentic: {
    model: 'claude-opus-4-1',
    max_tokens: 16000,
    system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Summarise these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, cache_control: { type: 'ephemeral' } },
          { type: 'image', source: { type: 'file', file_id: 'file_011' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'Report', context: 'Q3', citations: { enabled: true } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
          { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Chunk 1' }, { type: 'image', source: { type: 'url', url: 'https://example.com/b.png' } }] } },
          { type: 'document', source: { type: 'file', file_id: 'file_012' }, title: null },
          { type: 'search_result', source: 'https://example.com/kb', title: 'KB', content: [{ type: 'text', text: 'Fact.' }], citations: { enabled: true } },
          { type: 'container_upload', file_id: 'file_013' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Let me check the weather.', signature: 'EqQBCgIYAhIM' },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT' },
          {
            type: 'text',
            text: 'Checking.',
            citations: [{ type: 'char_location', cited_text: 'Fact.', document_index: 0, document_title: 'KB', start_char_index: 0, end_char_index: 5 }],
          },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'paris weather' } },
          {
            type: 'web_search_tool_result',
            tool_use_id: 'srvtoolu_01',
            content: [{ type: 'web_search_result', url: 'https://weather.example', title: 'Paris', encrypted_content: 'abc', page_age: null }],
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01',
            content: [
              { type: 'text', text: '21 °C' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
          { type: 'tool_result', tool_use_id: 'toolu_02', content: 'failed', is_error: true },
          { type: 'tool_result', tool_use_id: 'toolu_03' },
          { type: 'text', text: 'Thanks.' },
        ],
      },
      { role: 'assistant', content: 'You are welcome' },
    ],
    tools: [
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        cache_control: { type: 'ephemeral' },
      },
      { type: 'custom', name: 'noop', input_schema: { type: 'object' } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3, allowed_domains: ['example.com'] },
      { type: 'bash_20250124', name: 'bash' },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    thinking: { type: 'enabled', budget_tokens: 4096 },
    metadata: { user_id: 'user-1234' },
    stop_sequences: ['\n\nHuman:'],
    stream: true,
    temperature: 1,
    top_p: 0.95,
    top_k: 40,
    service_tier: 'auto',
    // fields the relay does not know pass through
    container: 'container_1',
    context_management: { edits: [] },
  },
  plain: {
    model: 'claude-haiku-4-5',
    max_tokens: 256,
    system: 'Be brief.',
    messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [] },
    ],
    tool_choice: { type: 'none' },
    thinking: { type: 'disabled' },
    metadata: {},
  },
};

const FORMATS: readonly InboundFormat[] = ['chat', 'completions', 'embeddings', 'messages'];

const VALID: Record<InboundFormat, Record<string, Record<string, unknown>>> = {
  chat: chatBodies,
  completions: completionsBodies,
  embeddings: embeddingsBodies,
  messages: messagesBodies,
};

describe('inbound schemas accept realistic bodies', () => {
  for (const format of FORMATS) {
    for (const [name, body] of Object.entries(VALID[format])) {
      it(`${format}: ${name}`, () => {
        const result = inboundSchemas[format].safeParse(body);
        expect(result.success ? null : result.error.issues).toBeNull();
        // loose: nothing dropped, nothing added, unknown fields untouched
        expect(result.data).toEqual(body);
      });
    }
  }

  it('the converted bodies of valid requests serialize', () => {
    for (const body of Object.values(chatBodies)) expect(() => JSON.stringify(chatToMessagesRequest(chatRequest.parse(body), 'm'))).not.toThrow();
    for (const body of Object.values(messagesBodies)) expect(() => JSON.stringify(messagesToChatRequest(messagesRequest.parse(body), 'm'))).not.toThrow();
  });
});

/* ----------------------------------------------------- the issue's examples */

describe('inbound schemas reject malformed bodies, naming the field', () => {
  const chat = (extra: Record<string, unknown>) => ({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...extra });

  it.each([
    ['content {} in a message', chat({ messages: [{ role: 'user', content: {} }] }), /^messages\.0\.content: /],
    ['n 1e308', chat({ n: 1e308 }), /^n: Too big/],
    ['max_completion_tokens "\\u0000\\ud800"', chat({ max_completion_tokens: '\u0000\ud800' }), /^max_completion_tokens: .*expected number/],
    ['a part whose type is not an identifier', chat({ messages: [{ role: 'user', content: [{ type: 'no such type!', url: 'x' }] }] }), /^messages\.0\.content\.0\.type: /],
    ['a part with a bad field', chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 5 } }] }] }), /^messages\.0\.content\.0\.image_url\.url: /],
    ['an unknown role', chat({ messages: [{ role: 'robot', content: 'x' }] }), /^messages\.0\.role: /],
    ['tool arguments as an object', chat({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] }] }), /^messages\.0\.tool_calls\.0\.function\.arguments: /],
    ['a tool message without tool_call_id', chat({ messages: [{ role: 'tool', content: 'x' }] }), /^messages\.0\.tool_call_id: /],
    ['five stop strings', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), /^stop: Too big/],
    ['temperature 3', chat({ temperature: 3 }), /^temperature: Too big/],
    ['a function tool without a name', chat({ tools: [{ type: 'function', function: {} }] }), /^tools\.0\.function\.name: /],
    ['tool_choice "sometimes"', chat({ tool_choice: 'sometimes' }), /^tool_choice: /],
    ['an empty messages array', chat({ messages: [] }), /^messages: Too small/],
    ['a model with a NUL', chat({ model: 'gpt\u0000' }), /^model: /],
  ])('chat: %s', (_name, body, expected) => {
    expect(firstError(chatRequest, body)).toMatch(expected);
  });

  it.each([
    ['a prompt of mixed types', { model: 'm', prompt: [1, 'a'] }, /^prompt\.1: /],
    ['an empty prompt array', { model: 'm', prompt: [] }, /^prompt: /],
    ['logprobs 6', { model: 'm', prompt: 'x', logprobs: 6 }, /^logprobs: Too big/],
  ])('completions: %s', (_name, body, expected) => {
    expect(firstError(completionsRequest, body)).toMatch(expected);
  });

  it.each([
    ['input {}', { model: 'm', input: {} }, /^input: /],
    ['an empty input string', { model: 'm', input: '' }, /^input: Too small/],
    ['a number among strings', { model: 'm', input: ['a', 5] }, /^input\.1: /],
    ['2049 inputs', { model: 'm', input: Array.from({ length: 2049 }, () => 'a') }, /^input: Too big/],
    ['encoding_format "int8"', { model: 'm', input: 'a', encoding_format: 'int8' }, /^encoding_format: /],
  ])('embeddings: %s', (_name, body, expected) => {
    expect(firstError(embeddingsRequest, body)).toMatch(expected);
  });

  const msgs = (extra: Record<string, unknown>) => ({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra });
  it.each([
    ['no max_tokens', { model: 'claude', messages: [{ role: 'user', content: 'hi' }] }, /^max_tokens: /],
    ['content {}', msgs({ messages: [{ role: 'user', content: {} }] }), /^messages\.0\.content: /],
    ['a system role', msgs({ messages: [{ role: 'system', content: 'x' }] }), /^messages\.0\.role: /],
    ['an image of an unknown media type', msgs({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }] }] }), /^messages\.0\.content\.0\.source\.media_type: /],
    ['tool_use input as a string', msgs({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }] }] }), /^messages\.0\.content\.0\.input: /],
    ['a bad block inside a tool_result', msgs({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 1 }] }] }] }), /^messages\.0\.content\.0\.content\.0\.text: /],
    ['temperature 1.5', msgs({ temperature: 1.5 }), /^temperature: Too big/],
    ['a custom tool without input_schema', msgs({ tools: [{ name: 'f' }] }), /^tools\.0\.input_schema: /],
    ['budget_tokens 100', msgs({ thinking: { type: 'enabled', budget_tokens: 100 } }), /^thinking\.budget_tokens: Too small/],
    ['tool_choice tool without a name', msgs({ tool_choice: { type: 'tool' } }), /^tool_choice\.name: /],
    ['a system block without text', msgs({ system: [{ type: 'text' }] }), /^system\.0\.text: /],
  ])('messages: %s', (_name, body, expected) => {
    expect(firstError(messagesRequest, body)).toMatch(expected);
  });
});

/* --------------------------------------------------------- generated bodies */

/** The converter a format's accepted bodies go through when served by the other format. */
const CONVERT: Record<InboundFormat, (body: Record<string, unknown>) => unknown> = {
  chat: (body) => chatToMessagesRequest(body, 'm'),
  messages: (body) => messagesToChatRequest(body, 'm'),
  completions: (body) => body,
  embeddings: (body) => body,
};

/** Variants no schema may accept. */
const MUST_FAIL = /deleted \(required\)|wrong type|\(body\) <- (wrapped|bare|null|42|\{\})/;

/**
 * Seeds for the generator: each covers the structure of its format (every message role or block
 * kind the converters treat apart, tools, tool calls) with few plain fields, so every schema
 * location gets every hostile value and the count stays at a few hundred per endpoint.
 */
const SEEDS: Record<InboundFormat, unknown[]> = {
  chat: [
    {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'mp3' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'found' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }, { type: 'web_search_preview' }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      stop: ['END'],
      max_completion_tokens: 64,
      temperature: 0.5,
      n: 1,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-1',
    },
  ],
  completions: [completionsBodies.text, completionsBodies.tokenBatch],
  embeddings: [embeddingsBodies.batch, embeddingsBodies.tokenBatch, embeddingsBodies.tokens],
  messages: [
    {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' }, title: 'Notes' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'found' }], is_error: false }] },
      ],
      tools: [{ name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }, { type: 'web_search_20250305', name: 'web_search' }],
      tool_choice: { type: 'auto' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'u-1' },
      stop_sequences: ['END'],
      temperature: 0.5,
      stream: true,
    },
  ],
};

function safeParseOrThrown(format: InboundFormat, body: unknown) {
  try {
    return inboundSchemas[format].safeParse(body);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

describe('generated malformed bodies', () => {
  const generated: Record<InboundFormat, MalformedBody[]> = {
    chat: malformedBodies(inboundSchemas.chat, SEEDS.chat),
    completions: malformedBodies(inboundSchemas.completions, SEEDS.completions),
    embeddings: malformedBodies(inboundSchemas.embeddings, SEEDS.embeddings),
    messages: malformedBodies(inboundSchemas.messages, SEEDS.messages),
  };

  it('are deterministic and of a sensible number', () => {
    for (const format of FORMATS) {
      const again = malformedBodies(inboundSchemas[format], SEEDS[format]);
      expect(again.map((b) => b.name)).toEqual(generated[format].map((b) => b.name));
      expect(new Set(again.map((b) => b.name)).size).toBe(again.length);
      expect(again.length).toBeGreaterThan(50);
      expect(again.length).toBeLessThan(1000);
    }
  });

  for (const format of FORMATS) {
    it(`${format}: never throw; rejections name the field; accepted bodies convert`, () => {
      const problems: string[] = [];
      let accepted = 0;
      for (const { name, body } of generated[format]) {
        const result = safeParseOrThrown(format, body);
        if (result instanceof Error) {
          problems.push(`${name}: safeParse threw ${String(result)}`);
          continue;
        }
        if (!result.success) {
          const issue = result.error.issues[0];
          const fieldLevel = !name.startsWith('(body)') && !name.includes(': (body)');
          if (!issue.message) problems.push(`${name}: rejected without a message`);
          if (fieldLevel && issue.path.length === 0) problems.push(`${name}: rejected without naming a field (${issue.message})`);
          continue;
        }
        accepted++;
        if (MUST_FAIL.test(name)) problems.push(`${name}: accepted`);
        try {
          JSON.stringify(CONVERT[format](result.data));
        } catch (e) {
          problems.push(`${name}: converter threw ${String(e)} on ${JSON.stringify(body).slice(0, 300)}`);
        }
      }
      expect(problems).toEqual([]);
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(generated[format].length);
    });
  }
});
