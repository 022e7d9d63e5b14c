/**
 * Gemini API request bodies (POST …/models/{model}:generateContent and :streamGenerateContent),
 * checked before a body is converted or sent. Loose objects: fields the relay does not know pass
 * through untouched. Parts are told apart by their data field (`text`, `inlineData`, …); parts of
 * other kinds (executableCode, codeExecutionResult, thought signatures, …) pass on as they are.
 *
 * Google also accepts snake_case (`system_instruction`, `generation_config`, `max_output_tokens`,
 * …), and the converters and the hold read both spellings, so the request's fields, the tool and
 * generation configs are checked in both. Parts are told apart by their camelCase data field; a
 * snake_case part (`inline_data`) passes as another part.
 */
import { z } from 'zod';
import { intIn, isPlainObject, jsonObject, jsonType, oneOf, tokenLimit } from '../chat/schema';

/** `maxOutputTokens` -> `max_output_tokens`. */
type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}`
  : S;
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A shape whose fields are also taken under their snake_case names, with the same schemas. */
function bothSpellings<T extends Record<string, z.ZodType>>(shape: T) {
  const out: Record<string, z.ZodType> = { ...shape };
  for (const [key, schema] of Object.entries(shape)) out[snake(key)] = schema;
  return out as T & { [K in keyof T & string as Snake<K>]: T[K] };
}

/* ------------------------------------------------------------------ parts */

const textPart = z.looseObject({ text: z.string(), thought: z.boolean().optional() });
const inlineDataPart = z.looseObject({ inlineData: z.looseObject({ mimeType: z.string().min(1), data: z.string() }) });
const fileDataPart = z.looseObject({
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string().min(1) }),
});
const functionCallPart = z.looseObject({
  functionCall: z.looseObject({ name: z.string().min(1), args: jsonObject.nullish(), id: z.string().optional() }),
});
const functionResponsePart = z.looseObject({
  functionResponse: z.looseObject({ name: z.string().min(1), response: jsonObject, id: z.string().optional() }),
});

const PART_KINDS = {
  text: textPart,
  inlineData: inlineDataPart,
  fileData: fileDataPart,
  functionCall: functionCallPart,
  functionResponse: functionResponsePart,
} as const;
type PartKind = keyof typeof PART_KINDS;
const partKind = (v: Record<string, unknown>): PartKind | undefined =>
  (Object.keys(PART_KINDS) as PartKind[]).find((k) => k in v);

/** Any other non-empty part (executableCode, codeExecutionResult, snake_case spellings, …). */
const otherPart = z
  .looseObject({})
  .refine(
    (p) => Object.keys(p).length > 0 && partKind(p) === undefined,
    'Invalid part: expected a data field (text, inlineData, fileData, functionCall, functionResponse, …)',
  );

export const geminiPart = oneOf(
  [textPart, inlineDataPart, fileDataPart, functionCallPart, functionResponsePart, otherPart],
  (v) => {
    if (!isPlainObject(v)) return `Invalid input: expected object, received ${jsonType(v)}`;
    const kind = partKind(v);
    return kind ? PART_KINDS[kind] : otherPart;
  },
);

const parts = z.array(geminiPart).min(1);

export const geminiContent = z.looseObject({ role: z.enum(['user', 'model']).optional(), parts });
const systemInstruction = z.looseObject({ role: z.string().optional(), parts });

/* ------------------------------------------------------------------ tools */

const functionDeclaration = z.looseObject({
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  parameters: jsonObject.optional(),
  parametersJsonSchema: jsonObject.optional(),
});

/** A function tool, or a built-in one (googleSearch, codeExecution, urlContext, …) passed on as it is. */
const tool = z
  .looseObject({ functionDeclarations: z.array(functionDeclaration).optional() })
  .refine((t) => Object.keys(t).length > 0, 'Invalid tool: expected functionDeclarations or a built-in tool');

const toolConfig = z.looseObject(
  bothSpellings({
    functionCallingConfig: z
      .looseObject(
        bothSpellings({
          mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).optional(),
          allowedFunctionNames: z.array(z.string().min(1)).optional(),
        }),
      )
      .optional(),
  }),
);

/* ------------------------------------------------------- generation config */

const thinkingConfig = z.looseObject(
  bothSpellings({
    thinkingBudget: z.number().int().min(-1).optional(),
    includeThoughts: z.boolean().optional(),
    thinkingLevel: z.string().optional(),
  }),
);

const generationConfig = z.looseObject(
  bothSpellings({
    maxOutputTokens: tokenLimit.optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().min(0).optional(),
    stopSequences: z.array(z.string()).max(5).optional(),
    responseMimeType: z.string().optional(),
    responseSchema: jsonObject.optional(),
    responseJsonSchema: jsonObject.optional(),
    candidateCount: intIn(1, 128).optional(),
    seed: z.number().int().optional(),
    presencePenalty: z.number().optional(),
    frequencyPenalty: z.number().optional(),
    thinkingConfig: thinkingConfig.optional(),
  }),
);

const safetySetting = z.looseObject({ category: z.string().min(1), threshold: z.string().min(1) });

/* ---------------------------------------------------------------- request */

export const geminiRequest = z.looseObject(
  bothSpellings({
    contents: z.array(geminiContent).min(1),
    systemInstruction: systemInstruction.optional(),
    tools: z.array(tool).optional(),
    toolConfig: toolConfig.optional(),
    generationConfig: generationConfig.optional(),
    safetySettings: z.array(safetySetting).optional(),
    cachedContent: z.string().min(1).optional(),
  }),
);

export type GeminiRequest = z.output<typeof geminiRequest>;
