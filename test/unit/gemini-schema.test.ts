import { describe, expect, it } from 'vitest';
import { geminiRequest } from '../../worker/relay/formats/gemini/schema';

type Obj = Record<string, unknown>;

/** What the relay answers for a rejected body (null when accepted). */
function firstError(body: unknown): string | null {
  const result = geminiRequest.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return `${issue.path.join('.')}: ${issue.message}`;
}

const minimal: Obj = { contents: [{ parts: [{ text: 'Hello' }] }] };

const agentic: Obj = {
  systemInstruction: { parts: [{ text: 'You are terse.' }] },
  contents: [
    {
      role: 'user',
      parts: [
        { text: 'What is in this picture, and how hot is Paris?' },
        { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
        {
          fileData: {
            mimeType: 'application/pdf',
            fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc',
          },
        },
        { fileData: { fileUri: 'https://www.youtube.com/watch?v=x' } },
      ],
    },
    {
      role: 'model',
      parts: [
        { text: 'Thinking about it', thought: true },
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
        { functionCall: { name: 'get_time', id: 'fc_2' } },
      ],
    },
    {
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { temp_c: 21 } } },
        { functionResponse: { name: 'get_time', id: 'fc_2', response: { time: '12:00' } } },
      ],
    },
    {
      role: 'model',
      parts: [
        { executableCode: { language: 'PYTHON', code: 'print(1)' } },
        { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1' } },
      ],
    },
    { role: 'user', parts: [{ text: 'Thanks' }] },
  ],
  tools: [
    {
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
        },
        { name: 'get_time', parametersJsonSchema: { type: 'object', properties: {} } },
      ],
    },
    { googleSearch: {} },
    { codeExecution: {} },
  ],
  toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
  generationConfig: {
    maxOutputTokens: 1024,
    temperature: 0.2,
    topP: 0.9,
    topK: 40,
    stopSequences: ['END'],
    responseMimeType: 'application/json',
    responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } } },
    candidateCount: 1,
    thinkingConfig: { thinkingBudget: -1, includeThoughts: true },
  },
  safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
  cachedContent: 'cachedContents/abc123',
};

describe('Gemini request schema', () => {
  it('accepts a minimal body and a body using every field', () => {
    expect(firstError(minimal)).toBeNull();
    expect(firstError(agentic)).toBeNull();
    expect(
      firstError({
        ...minimal,
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } },
      }),
    ).toBeNull();
    expect(firstError({ ...minimal, toolConfig: { functionCallingConfig: { mode: 'VALIDATED' } } })).toBeNull();
  });

  it('passes unknown fields and snake_case parts through, and checks snake_case request fields as their camelCase', () => {
    const body = {
      contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: 'AA==' } }] }],
      system_instruction: { parts: [{ text: 'Be brief' }] },
      generation_config: { max_output_tokens: 5, candidate_count: 2 },
      labels: { team: 'a' },
    };
    const result = geminiRequest.safeParse(body);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(body);
    expect(firstError({ ...body, generation_config: { max_output_tokens: -5 } })).toMatch(
      /^generation_config\.max_output_tokens: /,
    );
    expect(firstError({ ...body, tool_config: { function_calling_config: { mode: 'SOMETIMES' } } })).toMatch(
      /^tool_config\.function_calling_config\.mode: /,
    );
  });

  const malformed: [string, Obj, string][] = [
    ['no contents', {}, 'contents: Invalid input: expected array, received undefined'],
    ['empty contents', { contents: [] }, 'contents: Too small'],
    ['empty parts', { contents: [{ parts: [] }] }, 'contents.0.parts: Too small'],
    ['bad role', { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'contents.0.role: Invalid option'],
    [
      'text not a string',
      { contents: [{ parts: [{ text: 5 }] }] },
      'contents.0.parts.0.text: Invalid input: expected string',
    ],
    [
      'part not an object',
      { contents: [{ parts: ['hi'] }] },
      'contents.0.parts.0: Invalid input: expected object, received string',
    ],
    ['empty part', { contents: [{ parts: [{}] }] }, 'contents.0.parts.0: Invalid part'],
    [
      'inlineData without mimeType',
      { contents: [{ parts: [{ inlineData: { data: 'AA==' } }] }] },
      'contents.0.parts.0.inlineData.mimeType: Invalid input',
    ],
    [
      'fileData without fileUri',
      { contents: [{ parts: [{ fileData: { mimeType: 'image/png' } }] }] },
      'contents.0.parts.0.fileData.fileUri: Invalid input',
    ],
    [
      'functionCall without name',
      { contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }] },
      'contents.0.parts.0.functionCall.name: Invalid input',
    ],
    [
      'functionCall args an array',
      { contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: [1] } }] }] },
      'contents.0.parts.0.functionCall.args: Invalid input',
    ],
    [
      'functionResponse without response',
      { contents: [{ parts: [{ functionResponse: { name: 'f' } }] }] },
      'contents.0.parts.0.functionResponse.response: Invalid input',
    ],
    [
      'systemInstruction a string',
      { ...minimal, systemInstruction: 'Be brief' },
      'systemInstruction: Invalid input: expected object',
    ],
    [
      'declaration without name',
      { ...minimal, tools: [{ functionDeclarations: [{ description: 'x' }] }] },
      'tools.0.functionDeclarations.0.name: Invalid input',
    ],
    ['empty tool', { ...minimal, tools: [{}] }, 'tools.0: Invalid tool'],
    [
      'bad mode',
      { ...minimal, toolConfig: { functionCallingConfig: { mode: 'REQUIRED' } } },
      'toolConfig.functionCallingConfig.mode: Invalid option',
    ],
    [
      'six stop sequences',
      { ...minimal, generationConfig: { stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'] } },
      'generationConfig.stopSequences: Too big',
    ],
    [
      'negative maxOutputTokens',
      { ...minimal, generationConfig: { maxOutputTokens: -1 } },
      'generationConfig.maxOutputTokens: Too small',
    ],
    [
      'temperature too high',
      { ...minimal, generationConfig: { temperature: 3 } },
      'generationConfig.temperature: Too big',
    ],
    [
      'topP as a string',
      { ...minimal, generationConfig: { topP: '0.5' } },
      'generationConfig.topP: Invalid input: expected number',
    ],
    [
      'thinkingBudget fractional',
      { ...minimal, generationConfig: { thinkingConfig: { thinkingBudget: 1.5 } } },
      'generationConfig.thinkingConfig.thinkingBudget: Invalid input: expected int',
    ],
    [
      'safety setting without threshold',
      { ...minimal, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' }] },
      'safetySettings.0.threshold: Invalid input',
    ],
    ['cachedContent empty', { ...minimal, cachedContent: '' }, 'cachedContent: Too small'],
  ];

  it.each(malformed)('rejects %s, naming the field', (_name, body, expected) => {
    expect(firstError(body)).toMatch(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('rejects bodies that are not objects', () => {
    expect(firstError([minimal])).not.toBeNull();
    expect(firstError('hello')).not.toBeNull();
    expect(firstError(null)).not.toBeNull();
  });
});
