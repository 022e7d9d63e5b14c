import { describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import {
  ChatStreamToGeminiWriter,
  chatToGeminiResponse,
  geminiToChatRequest,
  jsonSchemaOf,
} from '../../worker/relay/formats/gemini/hub';

type Obj = Record<string, unknown>;

describe('Gemini request -> chat request', () => {
  it('maps the system instruction, turns, images, a tool-call loop and generation config', () => {
    const out = geminiToChatRequest(
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }] },
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'What is this, and the weather?' },
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
            ],
          },
          {
            role: 'model',
            parts: [
              { text: 'hmm', thought: true },
              { functionCall: { name: 'weather', args: { city: 'Paris' } } },
              { functionCall: { name: 'weather', args: { city: 'Rome' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'weather', response: { temp: 21 } } },
              { functionResponse: { name: 'weather', response: { temp: 25 } } },
            ],
          },
          { role: 'model', parts: [{ text: 'Paris 21, Rome 25.' }] },
          { parts: [{ text: 'Thanks' }] },
        ],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'weather',
                description: 'Weather now',
                parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
              },
            ],
          },
          { googleSearch: {} },
        ],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
        generationConfig: {
          maxOutputTokens: 300,
          temperature: 0.3,
          topP: 0.8,
          topK: 40,
          stopSequences: ['END'],
          candidateCount: 2,
          thinkingConfig: { thinkingBudget: 0 },
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
      'gpt-4o',
      true,
    );
    expect(out).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.\nUse metric units.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this, and the weather?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: '{"temp":25}' },
        { role: 'assistant', content: 'Paris 21, Rome 25.' },
        { role: 'user', content: 'Thanks' },
      ],
      max_tokens: 300,
      temperature: 0.3,
      top_p: 0.8,
      n: 2,
      stop: ['END'],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Weather now',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'auto',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('pairs responses by id when the parts carry ids, and by name otherwise', () => {
    const out = geminiToChatRequest(
      {
        contents: [
          { role: 'model', parts: [{ functionCall: { name: 'a', id: 'x1' } }, { functionCall: { name: 'b' } }] },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'b', response: {} } },
              { functionResponse: { name: 'a', id: 'x1', response: { ok: true } } },
            ],
          },
        ],
      },
      'm',
      false,
    );
    const messages = out.messages as Obj[];
    expect((messages[0].tool_calls as Obj[]).map((c) => c.id)).toEqual(['x1', 'call_1']);
    expect(messages.slice(1).map((m) => m.tool_call_id)).toEqual(['call_1', 'x1']);
    expect(out.stream).toBeUndefined();
  });

  it('reads snake_case fields and maps audio, pdf and image URIs', () => {
    const out = geminiToChatRequest(
      {
        system_instruction: { parts: [{ text: 'sys' }] },
        contents: [
          {
            role: 'user',
            parts: [
              { inline_data: { mime_type: 'audio/mp3', data: 'SUQz' } },
              { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } },
              { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
              { fileData: { mimeType: 'video/mp4', fileUri: 'https://example.com/v.mp4' } },
            ],
          },
        ],
        generation_config: { max_output_tokens: 50 },
      },
      'm',
      false,
    );
    expect(out.messages).toEqual([
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'input_audio', input_audio: { data: 'SUQz', format: 'mp3' } },
          { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    expect(out.max_tokens).toBe(50);
  });

  it('maps tool config modes and JSON output', () => {
    const tools = [
      {
        functionDeclarations: [
          { name: 'a' },
          { name: 'b', parametersJsonSchema: { type: 'object', additionalProperties: false } },
        ],
      },
    ];
    const base = { contents: [{ parts: [{ text: 'x' }] }], tools };
    const mode = (functionCallingConfig: Obj) =>
      geminiToChatRequest({ ...base, toolConfig: { functionCallingConfig } }, 'm', false);
    expect(mode({ mode: 'ANY' }).tool_choice).toBe('required');
    expect(mode({ mode: 'NONE' }).tool_choice).toBe('none');
    expect(mode({ mode: 'VALIDATED' }).tool_choice).toBe('auto');
    const named = mode({ mode: 'ANY', allowedFunctionNames: ['b'] });
    expect(named.tool_choice).toEqual({ type: 'function', function: { name: 'b' } });
    expect(named.tools).toEqual([
      { type: 'function', function: { name: 'b', parameters: { type: 'object', additionalProperties: false } } },
    ]);
    expect((mode({}).tools as Obj[])[0]).toEqual({
      type: 'function',
      function: { name: 'a', parameters: { type: 'object', properties: {} } },
    });

    const json = (generationConfig: Obj) =>
      geminiToChatRequest({ ...base, generationConfig }, 'm', false).response_format;
    expect(json({ responseMimeType: 'application/json' })).toEqual({ type: 'json_object' });
    expect(
      json({
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER', nullable: true } } },
      }),
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { n: { type: ['integer', 'null'] } } } },
    });
    expect(json({ responseMimeType: 'text/plain' })).toBeUndefined();
  });

  it('lower-cases only type keywords, recursively', () => {
    expect(
      jsonSchemaOf({
        type: 'ARRAY',
        items: { type: 'STRING', enum: ['UP', 'DOWN'] },
        properties: { type: { type: 'NUMBER' } },
      }),
    ).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['UP', 'DOWN'] },
      properties: { type: { type: 'number' } },
    });
  });
});

describe('chat response -> Gemini response', () => {
  it('maps text, reasoning, tool calls, finish reasons and usage', () => {
    const out = chatToGeminiResponse({
      id: 'chatcmpl-1',
      model: 'gpt-4o-2024',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Checking.',
            reasoning_content: 'Need weather.',
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":' } },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 30,
        total_tokens: 130,
        prompt_tokens_details: { cached_tokens: 60 },
        completion_tokens_details: { reasoning_tokens: 10 },
      },
    });
    expect(out).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Need weather.', thought: true },
              { text: 'Checking.' },
              { functionCall: { name: 'weather', args: { city: 'Paris' }, id: 'call_a' } },
              { functionCall: { name: 'weather', args: {}, id: 'call_b' } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 20,
        totalTokenCount: 130,
        cachedContentTokenCount: 60,
        thoughtsTokenCount: 10,
      },
      modelVersion: 'gpt-4o-2024',
      responseId: 'chatcmpl-1',
    });
  });

  it('maps length and content_filter, and leaves absent token details out', () => {
    const out = chatToGeminiResponse({
      choices: [
        { index: 0, finish_reason: 'length', message: { content: 'cut' } },
        { index: 1, finish_reason: 'content_filter', message: { content: null } },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 7 },
    });
    expect((out.candidates as Obj[]).map((c) => c.finishReason)).toEqual(['MAX_TOKENS', 'SAFETY']);
    expect((out.candidates as Obj[])[1].content).toEqual({ role: 'model', parts: [] });
    expect(out.usageMetadata).toEqual({ promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 });
  });
});

/* ------------------------------------------------------------------ stream */

/** Feeds chat `data:` payloads as the stream tap would, and parses the writer's SSE output. */
function run(
  writer: ChatStreamToGeminiWriter,
  payloads: (Obj | '[DONE]')[],
  finish: 'end' | 'abort' | 'none' = 'end',
): Obj[] {
  let text = '';
  for (const p of payloads) {
    const data = p === '[DONE]' ? p : JSON.stringify(p);
    const event: EventSourceMessage = { data, event: undefined, id: undefined };
    text += writer.write(event, p === '[DONE]' ? undefined : p);
  }
  if (finish === 'end') text += writer.end();
  if (finish === 'abort') text += writer.abort('upstream went away');
  const out: Obj[] = [];
  const parser = createParser({ onEvent: (e) => out.push(JSON.parse(e.data) as Obj) });
  parser.feed(text);
  return out;
}

const chunk = (delta: Obj, finish: string | null = null, index = 0): Obj => ({
  id: 'chatcmpl-s1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index, delta, finish_reason: finish }],
});
const usageChunk: Obj = {
  id: 'chatcmpl-s1',
  object: 'chat.completion.chunk',
  choices: [],
  usage: {
    prompt_tokens: 12,
    completion_tokens: 9,
    total_tokens: 21,
    completion_tokens_details: { reasoning_tokens: 4 },
  },
};

type Candidate = { content: { role: string; parts: Obj[] }; finishReason?: string; index: number };
const candidates = (events: Obj[]) => events.map((e) => (e.candidates as Candidate[])[0]);

describe('chat stream -> Gemini stream', () => {
  it('streams text and thoughts, then function calls whole with the finish reason and usage', () => {
    const events = run(new ChatStreamToGeminiWriter('gemini-2.5-flash'), [
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Think' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk,
      '[DONE]',
    ]);
    const parts = candidates(events).map((c) => c.content.parts);
    expect(parts.slice(0, 3)).toEqual([[{ text: 'Think', thought: true }], [{ text: 'Hel' }], [{ text: 'lo' }]]);
    const last = events[events.length - 1];
    expect(events).toHaveLength(4);
    expect(last).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' }, id: 'call_1' } }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 21, thoughtsTokenCount: 4 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'chatcmpl-s1',
    });
    expect(events.every((e) => e.modelVersion === 'gemini-2.5-flash' && e.responseId === 'chatcmpl-s1')).toBe(true);
  });

  it('ends a text answer with an empty text part, MAX_TOKENS, and once only', () => {
    const writer = new ChatStreamToGeminiWriter('m');
    const events = run(writer, [chunk({ content: 'abc' }), chunk({}, 'length'), usageChunk]);
    expect(events).toHaveLength(2);
    expect(events[1].candidates).toEqual([
      { content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'MAX_TOKENS', index: 0 },
    ]);
    expect(writer.end()).toBe('');
    expect(writer.abort('late')).toBe('');
  });

  it('flushes pending calls at end() when no usage chunk came', () => {
    const events = run(new ChatStreamToGeminiWriter('m'), [
      chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }),
    ]);
    expect(candidates(events)).toEqual([
      {
        content: { role: 'model', parts: [{ functionCall: { name: 'f', args: {}, id: 'c' } }] },
        finishReason: 'STOP',
        index: 0,
      },
    ]);
    expect(events[0].usageMetadata).toEqual({ promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 });
  });

  it('keeps candidates apart when the client asked for several', () => {
    const events = run(new ChatStreamToGeminiWriter('m'), [
      chunk({ content: 'A' }, null, 0),
      chunk({ content: 'B' }, null, 1),
      chunk({}, 'stop', 0),
      chunk({}, 'stop', 1),
      usageChunk,
    ]);
    expect(candidates(events.slice(0, 2)).map((c) => [c.index, c.content.parts])).toEqual([
      [0, [{ text: 'A' }]],
      [1, [{ text: 'B' }]],
    ]);
    expect((events[2].candidates as Candidate[]).map((c) => [c.index, c.finishReason])).toEqual([
      [0, 'STOP'],
      [1, 'STOP'],
    ]);
  });

  it('answers an error chunk for an upstream error or a broken stream', () => {
    const upstream = run(
      new ChatStreamToGeminiWriter('m'),
      [chunk({ content: 'a' }), { error: { message: 'overloaded' } }, chunk({ content: 'b' })],
      'none',
    );
    expect(upstream).toEqual([
      expect.objectContaining({ candidates: expect.any(Array) }),
      { error: { code: 500, message: 'overloaded', status: 'INTERNAL' } },
    ]);
    const broken = run(new ChatStreamToGeminiWriter('m'), [chunk({ content: 'a' })], 'abort');
    expect(broken[broken.length - 1]).toEqual({
      error: { code: 500, message: 'upstream went away', status: 'INTERNAL' },
    });
  });
});
