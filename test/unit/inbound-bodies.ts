/*
 * Realistic, valid request bodies for each inbound format, shared by the inbound schema
 * tests (accepted as-is, and seeds for the generated malformed bodies).
 * (Not a test file itself: vitest collects only *.test.ts.)
 */
import type { Endpoint } from '../../worker/relay/formats/types';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export const chatBodies: Record<string, Record<string, unknown>> = {
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
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'It is 21 °C.' },
          { type: 'refusal', refusal: 'No images of people.' },
        ],
      },
      { role: 'function', name: 'legacy', content: null },
      { role: 'user', content: 'Thanks! 🙂' },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
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

export const completionsBodies: Record<string, Record<string, unknown>> = {
  text: {
    model: 'gpt-3.5-turbo-instruct',
    prompt: 'Say hi',
    max_tokens: 16,
    temperature: 0,
    stop: ['\n'],
    echo: false,
    logprobs: 2,
    suffix: null,
    best_of: 1,
  },
  batch: {
    model: 'gpt-3.5-turbo-instruct',
    prompt: ['a', 'b'],
    n: 2,
    stream: true,
    stream_options: { include_usage: true },
    seed: 7,
    user: 'u',
  },
  tokens: { model: 'davinci-002', prompt: [1, 2, 3] },
  tokenBatch: { model: 'davinci-002', prompt: [[1, 2], [3]] },
  empty: { model: 'davinci-002', prompt: '' },
};

export const embeddingsBodies: Record<string, Record<string, unknown>> = {
  text: { model: 'text-embedding-3-small', input: 'hello world' },
  batch: {
    model: 'text-embedding-3-small',
    input: ['hello', 'world'],
    encoding_format: 'float',
    dimensions: 256,
    user: 'u',
  },
  tokens: { model: 'text-embedding-ada-002', input: [15339, 1917], encoding_format: 'base64' },
  tokenBatch: { model: 'text-embedding-ada-002', input: [[15339], [1917, 0]] },
};

export const messagesBodies: Record<string, Record<string, unknown>> = {
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
          {
            type: 'image',
            source: { type: 'url', url: 'https://example.com/cat.jpg' },
            cache_control: { type: 'ephemeral' },
          },
          { type: 'image', source: { type: 'file', file_id: 'file_011' } },
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            title: 'Report',
            context: 'Q3',
            citations: { enabled: true },
          },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
          {
            type: 'document',
            source: {
              type: 'content',
              content: [
                { type: 'text', text: 'Chunk 1' },
                { type: 'image', source: { type: 'url', url: 'https://example.com/b.png' } },
              ],
            },
          },
          { type: 'document', source: { type: 'file', file_id: 'file_012' }, title: null },
          {
            type: 'search_result',
            source: 'https://example.com/kb',
            title: 'KB',
            content: [{ type: 'text', text: 'Fact.' }],
            citations: { enabled: true },
          },
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
            citations: [
              {
                type: 'char_location',
                cited_text: 'Fact.',
                document_index: 0,
                document_title: 'KB',
                start_char_index: 0,
                end_char_index: 5,
              },
            ],
          },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'paris weather' } },
          {
            type: 'web_search_tool_result',
            tool_use_id: 'srvtoolu_01',
            content: [
              {
                type: 'web_search_result',
                url: 'https://weather.example',
                title: 'Paris',
                encrypted_content: 'abc',
                page_age: null,
              },
            ],
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

/** The inbound formats these tests cover (responses and gemini have no bodies here yet). */
export const FORMATS = ['chat', 'completions', 'embeddings', 'messages'] as const satisfies readonly Endpoint[];
export type CoveredFormat = (typeof FORMATS)[number];

export const VALID: Record<CoveredFormat, Record<string, Record<string, unknown>>> = {
  chat: chatBodies,
  completions: completionsBodies,
  embeddings: embeddingsBodies,
  messages: messagesBodies,
};
