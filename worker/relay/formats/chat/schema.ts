/**
 * OpenAI Chat Completions request bodies (POST /v1/chat/completions), checked before a body is
 * converted or sent. Objects are loose: fields the relay does not know pass through untouched.
 * Every field the relay or the converters read is typed after the OpenAI API reference.
 *
 * The first section holds building blocks the other inbound schemas share.
 */
import { z } from 'zod';

/* ------------------------------------------------------------ shared blocks */

/** Control characters or an unpaired UTF-16 surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const BAD_NAME_CHARS = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A model name: routed on, logged and stored, so printable and well-formed. */
export const modelName = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !BAD_NAME_CHARS.test(s), 'Invalid model: control characters or unpaired surrogates');

/** An integer in [min, max]; the range is checked first so `1e308` reads "Too big: ... <=max". */
export const intIn = (min: number, max: number) => z.number().min(min).max(max).int();

/** Token limits a client may ask for (max_tokens and the like). */
export const MAX_TOKENS_LIMIT = 10_000_000;
export const tokenLimit = intIn(1, MAX_TOKENS_LIMIT);

/** A token id in a pre-tokenized prompt or input. */
export const tokenId = intIn(0, 2 ** 32);

/** The `type` of a tool or choice this relay passes on without knowing it: an identifier. */
export const typeName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/, 'Invalid type: expected an identifier');

/** Any JSON object (not an array): tool parameters, tool inputs, JSON schemas. */
export const jsonObject = z.looseObject({});

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON type of a value, as zod's messages spell it. */
export const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * A union whose failures name the field at fault. zod reports a failed union as "Invalid input" at
 * the union itself; here, once every option failed, the option the value was meant to be (`choose`
 * picks it by JSON type or tag) runs again and its own issues are reported, with their paths
 * (`messages.0.content.1.image_url.url: ...`). `choose` answers a message when no option fits at all.
 * A valid value is parsed once, as by a plain union.
 */
export function oneOf<const T extends readonly [z.ZodType, z.ZodType, ...z.ZodType[]]>(
  options: T,
  choose: (value: unknown) => T[number] | string,
) {
  let fellThrough = false;
  // Tried last, so it only runs once every option failed. It takes no part in the output type
  // (never): the check below always turns its acceptance into the chosen option's issues.
  const fallThrough = z.unknown().refine((_value): _value is never => {
    fellThrough = true;
    return true;
  });
  return z.union([...options, fallThrough]).superRefine((value, ctx) => {
    if (!fellThrough) return;
    fellThrough = false;
    const chosen = choose(value);
    if (typeof chosen === 'string') {
      ctx.addIssue({ code: 'custom', message: chosen });
      return;
    }
    // The chosen option failed in the union already; should it pass now (a flag left set by a parse
    // that threw midway), the value is valid and nothing is reported.
    const result = chosen.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
  });
}

/** `string | X[]`, the shape of most content fields. */
export function stringOr<A extends z.ZodType>(array: A, what: string) {
  const text = z.string();
  return oneOf([text, array], (v) =>
    typeof v === 'string'
      ? text
      : Array.isArray(v)
        ? array
        : `Invalid input: expected string or ${what}, received ${jsonType(v)}`,
  );
}

/** OpenAI's `stop`: a string or up to four strings. */
export const stopSequences = stringOr(z.array(z.string()).max(4), 'array of up to 4 strings');

export const streamOptions = z.looseObject({
  include_usage: z.boolean().optional(),
  include_obfuscation: z.boolean().optional(),
});

/** Sampling parameters OpenAI's chat and completions share. */
export const openaiSampling = {
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
  seed: z.number().int().nullish(),
  stop: stopSequences.nullish(),
  n: intIn(1, 128).nullish(),
  stream: z.boolean().nullish(),
  stream_options: streamOptions.nullish(),
  max_tokens: tokenLimit.nullish(),
  user: z.string().optional(),
};

/* -------------------------------------------------------------- content */

export const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });

export const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

export const audioPart = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.enum(['wav', 'mp3']) }),
});

export const filePart = z.looseObject({
  type: z.literal('file'),
  file: z
    .looseObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() })
    .refine(
      (f) => f.file_data !== undefined || f.file_id !== undefined,
      'Invalid input: expected file_data or file_id',
    ),
});

export const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const knownUserPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart]);
const KNOWN_USER_PARTS = new Set(['text', 'image_url', 'input_audio', 'file']);
/**
 * A part of a type this relay does not know (OpenAI-compatible providers add some, video for one):
 * passed on to an OpenAI channel as it is, skipped by conversions, counted as the text it carries.
 */
const otherUserPart = z.looseObject({ type: typeName.refine((t) => !KNOWN_USER_PARTS.has(t)) });
const userPart = oneOf([knownUserPart, otherUserPart], (v) =>
  isPlainObject(v) && typeof v.type === 'string' && !KNOWN_USER_PARTS.has(v.type) ? otherUserPart : knownUserPart,
);
const assistantPart = z.discriminatedUnion('type', [textPart, refusalPart]);

/** string, or a non-empty array of text parts. */
const textContent = stringOr(z.array(textPart).min(1), 'array of text parts');
const userContent = stringOr(z.array(userPart).min(1), 'array of content parts');
const assistantContent = stringOr(z.array(assistantPart).min(1), 'array of text or refusal parts');

/* -------------------------------------------------------------- tool calls */

const functionCall = z.looseObject({ name: z.string(), arguments: z.string() });

export const functionToolCall = z.looseObject({ id: z.string(), type: z.literal('function'), function: functionCall });
export const customToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('custom'),
  custom: z.looseObject({ name: z.string(), input: z.string() }),
});
const toolCall = z.discriminatedUnion('type', [functionToolCall, customToolCall]);

/* ---------------------------------------------------------------- messages */

const name = z.string().optional();

export const systemMessage = z.looseObject({ role: z.literal('system'), content: textContent, name });
export const developerMessage = z.looseObject({ role: z.literal('developer'), content: textContent, name });
export const userMessage = z.looseObject({ role: z.literal('user'), content: userContent, name });
export const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: assistantContent.nullish(),
  name,
  refusal: z.string().nullish(),
  tool_calls: z.array(toolCall).min(1).optional(),
  function_call: functionCall.nullish(),
  audio: z.looseObject({ id: z.string() }).nullish(),
});
export const toolMessage = z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string() });
export const functionMessage = z.looseObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string(),
});

export const chatMessage = z.discriminatedUnion('role', [
  systemMessage,
  developerMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

/* ------------------------------------------------------------------- tools */

const functionDefinition = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: jsonObject.optional(),
  strict: z.boolean().nullish(),
});

export const functionTool = z.looseObject({ type: z.literal('function'), function: functionDefinition });
export const customTool = z.looseObject({
  type: z.literal('custom'),
  custom: z.looseObject({ name: z.string().min(1), description: z.string().optional() }),
});
/** A tool of a type this relay does not know (providers add them): passed on as it is. */
const otherTool = z.looseObject({
  type: typeName.refine((t) => t !== 'function' && t !== 'custom'),
});
export const chatTool = oneOf([functionTool, customTool, otherTool], (v) => {
  if (!isPlainObject(v)) return `Invalid input: expected object, received ${jsonType(v)}`;
  if (v.type === 'custom') return customTool;
  return typeof v.type === 'string' && v.type !== 'function' ? otherTool : functionTool;
});

const toolChoiceMode = z.enum(['none', 'auto', 'required']);
const namedFunctionChoice = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string() }),
});
/** allowed_tools, custom and whatever comes next: an object with a string type. */
const otherToolChoice = z.looseObject({ type: typeName.refine((t) => t !== 'function') });
export const chatToolChoice = oneOf([toolChoiceMode, namedFunctionChoice, otherToolChoice], (v) => {
  if (typeof v === 'string') return toolChoiceMode;
  if (!isPlainObject(v))
    return `Invalid input: expected "none" | "auto" | "required" or object, received ${jsonType(v)}`;
  return typeof v.type === 'string' && v.type !== 'function' ? otherToolChoice : namedFunctionChoice;
});

/** The deprecated `functions` / `function_call` pair. */
const legacyFunctionChoiceMode = z.enum(['none', 'auto']);
const legacyFunctionChoiceName = z.looseObject({ name: z.string() });
const legacyFunctionChoice = oneOf([legacyFunctionChoiceMode, legacyFunctionChoiceName], (v) =>
  typeof v === 'string' ? legacyFunctionChoiceMode : legacyFunctionChoiceName,
);

/* ----------------------------------------------------------------- request */

export const chatRequest = z.looseObject({
  model: modelName,
  messages: z.array(chatMessage).min(1),
  ...openaiSampling,
  max_completion_tokens: tokenLimit.nullish(),
  tools: z.array(chatTool).min(1).optional(),
  tool_choice: chatToolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  functions: z.array(functionDefinition).min(1).optional(),
  function_call: legacyFunctionChoice.optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
  logprobs: z.boolean().nullish(),
  top_logprobs: intIn(0, 20).nullish(),
  reasoning_effort: z.string().nullish(),
  modalities: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
});

export type ChatRequest = z.output<typeof chatRequest>;
export type ChatMessage = z.output<typeof chatMessage>;
