/**
 * Runs the bodies generated from an inbound format's schema against the relay: every refusal is
 * the contract's 400 naming the field, and nothing answers 5xx. A body the schema refuses is
 * refused before any channel is chosen, so it is sent once; one the schema accepts goes through
 * every channel type, converters included.
 */
import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import type { z } from 'zod';
import { malformedBodies, type MalformedBody } from './malformed';
import { foreignBodies } from './malformed-foreign';
import { BASE, setupCustomer } from '../helpers';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export const seeds = (model: string) => ({
  chat: {
    model,
    messages: [
      { role: 'system', content: 'Be terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":21}' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ],
    tool_choice: 'auto',
    max_completion_tokens: 50,
    temperature: 0.5,
    n: 1,
    stop: ['END'],
  },
  completions: { model, prompt: ['Say hi', 'Say bye'], max_tokens: 20, n: 1, temperature: 0.3 },
  embeddings: { model, input: ['a', 'b'], encoding_format: 'float' },
  messages: {
    model,
    max_tokens: 64,
    system: [{ type: 'text', text: 'Be terse.' }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Read this.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Some text.' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'found' }] }],
      },
    ],
    tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
    tool_choice: { type: 'auto' },
    temperature: 0.5,
    stop_sequences: ['END'],
  },
  responses: {
    model,
    instructions: 'Be terse.',
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Weather?' },
          { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'low' },
        ],
      },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp_c":21}' },
    ],
    tools: [
      {
        type: 'function',
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ],
    tool_choice: 'auto',
    max_output_tokens: 50,
    temperature: 0.5,
  },
  gemini: {
    systemInstruction: { parts: [{ text: 'Be terse.' }] },
    contents: [
      { role: 'user', parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/png', data: PNG } }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp_c: 21 } } }] },
    ],
    tools: [
      {
        functionDeclarations: [
          { name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } },
        ],
      },
    ],
    toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    generationConfig: { maxOutputTokens: 50, temperature: 0.5, stopSequences: ['END'] },
  },
});

interface Answer {
  name: string;
  status: number;
  text: string;
}

async function postAll(path: string, key: string, bodies: MalformedBody[]): Promise<Answer[]> {
  // Gemini names the model in the path and takes the key as x-goog-api-key.
  const headers: Record<string, string> = path.startsWith('/v1beta/')
    ? { 'x-goog-api-key': key, 'content-type': 'application/json' }
    : { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const out: Answer[] = [];
  // a few at a time: the point is every body, not load
  for (let i = 0; i < bodies.length; i += 8) {
    const answers = await Promise.all(
      bodies.slice(i, i + 8).map(async (b) => {
        const res = await SELF.fetch(`${BASE}${path}`, { method: 'POST', headers, body: JSON.stringify(b.body) });
        return { name: b.name, status: res.status, text: await res.text() };
      }),
    );
    out.push(...answers);
  }
  return out;
}

const noServerErrors = (answers: Answer[]) =>
  answers.filter((a) => a.status >= 500).map((a) => `${a.name} -> ${a.status} ${a.text.slice(0, 200)}`);

/** `path` may name the model as `{model}` (Gemini); its errors then come in Google's shape. */
export async function checkMalformed(
  path: string,
  schema: z.ZodType,
  seed: keyof ReturnType<typeof seeds>,
  channelTypes: readonly string[],
): Promise<void> {
  const customers = await Promise.all(
    channelTypes.map((type) => setupCustomer({ quota: 100_000_000, channel: { type } })),
  );
  const bodies = malformedBodies(schema, [seeds(customers[0].model)[seed]]);
  expect(bodies.length).toBeGreaterThan(30);
  const refused = bodies.filter((b) => !schema.safeParse(b.body).success);
  const accepted = bodies.filter((b) => schema.safeParse(b.body).success);
  const pathFor = (model: string) => path.replace('{model}', model);
  const answers = await postAll(pathFor(customers[0].model), customers[0].token.key, refused);
  expect(noServerErrors(answers)).toEqual([]);
  for (const a of answers) {
    expect(a.status, a.name).toBe(400);
    const error = (JSON.parse(a.text) as { error: { code: string | number; status?: string } }).error;
    if (path.includes('{model}')) expect(error.status, a.name).toBe('INVALID_ARGUMENT');
    else expect(error.code).toBe('invalid_request');
  }
  for (const customer of customers) {
    const withModel = accepted.map((b) => ({ ...b, body: retarget(b.body, customers[0].model, customer.model) }));
    expect(noServerErrors(await postAll(pathFor(customer.model), customer.token.key, withModel))).toEqual([]);
  }
}

/** The same body for another customer's model. */
function retarget(body: unknown, from: string, to: string): unknown {
  return body && typeof body === 'object' && !Array.isArray(body) && (body as { model?: unknown }).model === from
    ? { ...body, model: to }
    : body;
}

/**
 * The fields of the formats a body may be converted to (`targets`), injected into a valid seed
 * (see ./malformed-foreign). With `refused`, a wrong JSON type answers 400 naming the field before
 * any channel is tried; otherwise (an endpoint never converted) the field passes to the channel.
 * Nothing answers 5xx, through any channel type.
 */
export async function checkForeign(
  path: string,
  own: z.ZodType,
  seed: keyof ReturnType<typeof seeds>,
  targets: readonly z.ZodType[],
  channelTypes: readonly string[],
  refused: boolean,
): Promise<void> {
  const customers = await Promise.all(
    channelTypes.map((type) => setupCustomer({ quota: 100_000_000, channel: { type } })),
  );
  // A Gemini call's model and stream come from its URL, whatever its body says.
  // One hostile value of a right type per field keeps the run short; the wrong types are all sent.
  const bodies = foreignBodies(
    own,
    targets,
    seeds(customers[0].model)[seed],
    path.includes('{model}') ? ['model', 'stream'] : [],
    1,
  );
  expect(bodies.filter((b) => b.wrongType).length).toBeGreaterThan(refused ? 5 : 0);
  const pathFor = (model: string) => path.replace('{model}', model);
  const wrong = refused ? bodies.filter((b) => b.wrongType) : [];
  const misanswered: string[] = [];
  for (const a of await postAll(pathFor(customers[0].model), customers[0].token.key, wrong)) {
    const field = a.name.split(' <- ')[0];
    const error =
      a.status === 400
        ? (JSON.parse(a.text) as { error: { code: string | number; status?: string; message: string } }).error
        : null;
    const shaped = path.includes('{model}') ? error?.status === 'INVALID_ARGUMENT' : error?.code === 'invalid_request';
    if (!shaped || !error?.message.startsWith(`${field}: `))
      misanswered.push(`${a.name} -> ${a.status} ${a.text.slice(0, 200)}`);
  }
  expect(misanswered).toEqual([]);
  const rest = bodies.filter((b) => !wrong.includes(b));
  for (const customer of customers) {
    const withModel = rest.map((b) => ({ ...b, body: retarget(b.body, customers[0].model, customer.model) }));
    const answers = await postAll(pathFor(customer.model), customer.token.key, withModel);
    expect(noServerErrors(answers)).toEqual([]);
  }
}
