import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import {
  chatToGeminiRequest,
  GeminiStreamToChatWriter,
  geminiToChatResponse,
  SKIP_THOUGHT_SIGNATURE,
} from '../../worker/relay/providers/gemini/hub';
import { geminiToChatRequest } from '../../worker/relay/formats/gemini/hub';

type Obj = Record<string, unknown>;

const weatherTool = {
  type: 'function',
  function: {
    name: 'weather',
    description: 'Weather now',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false },
  },
};

describe('chat request -> Gemini request', () => {
  it('maps system messages, images, a tool-call loop, tools and generation config', () => {
    const out = chatToGeminiRequest({
      model: 'gemini-2.5-flash',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What are these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg?size=2' } },
            { type: 'image_url', image_url: { url: 'https://example.com/photo' } },
          ],
        },
        { role: 'user', content: 'And the weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'clock', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: '12:00' },
        { role: 'assistant', content: '21 °C at noon.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [weatherTool, { type: 'function', function: { name: 'clock' } }, { type: 'web_search_preview' }],
      tool_choice: 'required',
      max_completion_tokens: 400,
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      n: 2,
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object' } } },
      reasoning_effort: 'low',
    });
    expect(out).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }] },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What are these?' },
            { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg?size=2' } },
            { fileData: { mimeType: 'image/*', fileUri: 'https://example.com/photo' } },
            { text: 'And the weather?' },
          ],
        },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
            { functionCall: { name: 'clock', args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'weather', response: { temp: 21 } } },
            { functionResponse: { name: 'clock', response: { result: '12:00' } } },
          ],
        },
        { role: 'model', parts: [{ text: '21 °C at noon.' }] },
        { role: 'user', parts: [{ text: 'Thanks' }] },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: 'weather', description: 'Weather now', parametersJsonSchema: weatherTool.function.parameters },
            { name: 'clock' },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: {
        maxOutputTokens: 400,
        temperature: 0.5,
        topP: 0.9,
        candidateCount: 2,
        seed: 7,
        stopSequences: ['END'],
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
    });
  });

  it('maps tool_choice, audio, pdf files, json_object and reasoning effort none', () => {
    const base = { messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] };
    expect(chatToGeminiRequest({ ...base, tool_choice: 'none' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'NONE' },
    });
    expect(chatToGeminiRequest({ ...base, tool_choice: 'auto' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'AUTO' },
    });
    expect(
      chatToGeminiRequest({ ...base, tool_choice: { type: 'function', function: { name: 'weather' } } }).toolConfig,
    ).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] },
    });
    expect(chatToGeminiRequest({ messages: base.messages, tool_choice: 'none' }).toolConfig).toBeUndefined();

    const out = chatToGeminiRequest({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
            { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
            { type: 'file', file: { file_id: 'file-1' } },
          ],
        },
      ],
      response_format: { type: 'json_object' },
      reasoning_effort: 'none',
      max_tokens: 10,
    });
    expect(out.contents).toEqual([
      {
        role: 'user',
        parts: [
          { inlineData: { mimeType: 'audio/wav', data: 'UklG' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } },
        ],
      },
    ]);
    expect(out.generationConfig).toEqual({
      maxOutputTokens: 10,
      responseMimeType: 'application/json',
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(out).not.toHaveProperty('model');
    expect(chatToGeminiRequest({ messages: [{ role: 'user', content: 'hi' }] })).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
  });

  it('survives a round trip through the Gemini client format', () => {
    const chat = {
      model: 'm',
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'Q' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"r":2}' },
      ],
    };
    expect(geminiToChatRequest(chatToGeminiRequest(chat), 'm', false)).toEqual({ model: 'm', messages: chat.messages });
  });
});

describe('Gemini response -> chat completion', () => {
  it('maps text, thoughts, function calls and usage', () => {
    const out = geminiToChatResponse(
      {
        responseId: 'r1',
        modelVersion: 'gemini-2.5-flash',
        candidates: [
          {
            index: 0,
            finishReason: 'STOP',
            content: {
              role: 'model',
              parts: [
                { text: 'Plan.', thought: true },
                { text: 'Let me ' },
                { text: 'check.' },
                { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
                { functionCall: { id: 'fc_9', name: 'clock' } },
              ],
            },
          },
        ],
        usageMetadata: {
          promptTokenCount: 100,
          candidatesTokenCount: 20,
          thoughtsTokenCount: 15,
          cachedContentTokenCount: 64,
          totalTokenCount: 135,
        },
      },
      'gemini-flash',
    );
    expect(out).toMatchObject({ id: 'chatcmpl-r1', object: 'chat.completion', model: 'gemini-flash' });
    const choice = (out.choices as Obj[])[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const message = choice.message as Obj;
    expect(message.content).toBe('Let me check.');
    expect(message.reasoning_content).toBe('Plan.');
    const calls = message.tool_calls as { id: string; function: Obj }[];
    expect(calls.map((c) => c.function)).toEqual([
      { name: 'weather', arguments: '{"city":"Paris"}' },
      { name: 'clock', arguments: '{}' },
    ]);
    expect(calls[0].id).toMatch(/^call_/);
    expect(calls[1].id).toBe('fc_9');
    expect(out.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 35,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 15 },
    });
  });

  it('maps finish reasons and a blocked prompt', () => {
    const finish = (finishReason: string) =>
      (
        geminiToChatResponse({ candidates: [{ finishReason, content: { parts: [{ text: 'x' }] } }] }, 'm')
          .choices as Obj[]
      )[0].finish_reason;
    expect(
      ['STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'OTHER'].map(finish),
    ).toEqual(['stop', 'length', ...Array<string>(5).fill('content_filter'), 'stop']);
    const blocked = geminiToChatResponse(
      { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } },
      'm',
    );
    expect(blocked.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ]);
    expect(blocked.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 });
  });
});

/* ------------------------------------------------------------------ stream */

/** Feeds Gemini chunks as the stream tap would, and parses the writer's SSE output. */
function run(writer: GeminiStreamToChatWriter, chunks: Obj[], finish: 'end' | 'abort' = 'end'): string[] {
  let text = '';
  for (const c of chunks) {
    const event: EventSourceMessage = { data: JSON.stringify(c), event: undefined, id: undefined };
    text += writer.write(event, c);
  }
  text += finish === 'end' ? writer.end() : writer.abort('connection reset');
  const datas: string[] = [];
  createParser({ onEvent: (e) => datas.push(e.data) }).feed(text);
  return datas;
}

const gchunk = (parts: Obj[], extra: Obj = {}): Obj => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
});
const usage = { promptTokenCount: 10, candidatesTokenCount: 6, thoughtsTokenCount: 3, totalTokenCount: 19 };

type Delta = {
  role?: string;
  content?: string;
  reasoning_content?: string;
  tool_calls?: { index: number; id: string; type: string; function: { name: string; arguments: string } }[];
};
type Chunk = {
  id: string;
  model: string;
  choices: { index: number; delta: Delta; finish_reason: string | null }[];
  usage?: Obj | null;
};

const stream = [
  gchunk([{ text: 'Thinking', thought: true }], { usageMetadata: { promptTokenCount: 10 } }),
  gchunk([{ text: 'Hel' }]),
  gchunk([{ text: 'lo' }]),
  gchunk(
    [
      { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
      { functionCall: { name: 'clock', args: {} } },
    ],
    { finishReason: 'STOP' },
  ),
];
stream[3].usageMetadata = usage;

describe('Gemini stream -> chat chunks', () => {
  it('streams role, reasoning, text, whole tool calls, the finish reason and [DONE]', () => {
    const datas = run(new GeminiStreamToChatWriter('gemini-flash', false), stream);
    expect(datas[datas.length - 1]).toBe('[DONE]');
    expect(datas.filter((d) => d === '[DONE]')).toHaveLength(1);
    const chunks = datas.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
    expect(chunks.every((c) => c.id === 'chatcmpl-resp-1' && c.model === 'gemini-flash' && !('usage' in c))).toBe(true);
    const deltas = chunks.map((c) => c.choices[0].delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas.map((d) => d.reasoning_content ?? '').join('')).toBe('Thinking');
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Hello');
    const calls = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(calls.map((c) => [c.index, c.type, c.function])).toEqual([
      [0, 'function', { name: 'weather', arguments: '{"city":"Paris"}' }],
      [1, 'function', { name: 'clock', arguments: '{}' }],
    ]);
    expect(calls.every((c) => /^call_/.test(c.id))).toBe(true);
    expect(chunks.map((c) => c.choices[0].finish_reason).filter(Boolean)).toEqual(['tool_calls']);
  });

  it('adds the usage chunk from the last usageMetadata for a client that asked', () => {
    const datas = run(new GeminiStreamToChatWriter('m', true), stream);
    const chunks = datas.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 9,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('closes a stream that ended without a finish reason, and maps MAX_TOKENS and safety', () => {
    const open = run(new GeminiStreamToChatWriter('m', false), [gchunk([{ text: 'a' }])])
      .slice(0, -1)
      .map((d) => JSON.parse(d) as Chunk);
    expect(open[open.length - 1].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const reason = (extra: Obj) =>
      run(new GeminiStreamToChatWriter('m', false), [gchunk([{ text: 'a' }], extra)])
        .slice(0, -1)
        .map((d) => (JSON.parse(d) as Chunk).choices[0].finish_reason)
        .filter(Boolean);
    expect(reason({ finishReason: 'MAX_TOKENS' })).toEqual(['length']);
    expect(reason({ finishReason: 'PROHIBITED_CONTENT' })).toEqual(['content_filter']);
    const blocked = run(new GeminiStreamToChatWriter('m', false), [{ promptFeedback: { blockReason: 'SAFETY' } }])
      .slice(0, -1)
      .map((d) => JSON.parse(d) as Chunk);
    expect(blocked.map((c) => c.choices[0].finish_reason)).toEqual([null, 'content_filter']);
  });

  it('answers OpenAI-style errors for an upstream error chunk and a broken stream', () => {
    const writer = new GeminiStreamToChatWriter('m', false);
    const datas = run(writer, [
      gchunk([{ text: 'a' }]),
      { error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } },
      gchunk([{ text: 'b' }]),
    ]);
    expect(JSON.parse(datas[datas.length - 1])).toEqual({
      error: { message: 'Resource exhausted', type: 'RESOURCE_EXHAUSTED', code: 429 },
    });
    expect(datas).not.toContain('[DONE]');
    const broken = run(new GeminiStreamToChatWriter('m', false), [gchunk([{ text: 'a' }])], 'abort');
    expect(JSON.parse(broken[broken.length - 1])).toEqual({
      error: { message: 'connection reset', type: 'upstream_error', code: 'upstream_error' },
    });
  });
});

describe('Gemini stream -> chat chunks, read by the OpenAI SDK', () => {
  it('accumulates the text, tool calls, finish reason and usage', async () => {
    const body = run(new GeminiStreamToChatWriter('gemini-flash', true), stream)
      .map((d) => `data: ${d}\n\n`)
      .join('');
    const client = new OpenAI({
      apiKey: 'k',
      baseURL: 'https://relay.test/v1',
      maxRetries: 0,
      fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    });
    const chat = await client.chat.completions.create({
      model: 'gemini-flash',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const names: string[] = [];
    let finish: string | null = null;
    let total = 0;
    for await (const c of chat) {
      const choice = c.choices[0];
      text += choice?.delta.content ?? '';
      for (const call of choice?.delta.tool_calls ?? []) names.push(call.function?.name ?? '');
      finish = choice?.finish_reason ?? finish;
      total = c.usage?.total_tokens ?? total;
    }
    expect({ text, names, finish, total }).toEqual({
      text: 'Hello',
      names: ['weather', 'clock'],
      finish: 'tool_calls',
      total: 19,
    });
  });
});
