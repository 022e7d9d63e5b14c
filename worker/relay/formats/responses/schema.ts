/**
 * OpenAI Responses request bodies (POST /v1/responses), checked before a body is sent. Loose
 * objects: fields the relay does not know pass through untouched. Input items are told apart by
 * `type` (a message may omit it); item and tool types the relay only passes on are typed by their
 * key fields. Shared pieces live in ./chat.
 */
import { z } from 'zod';
import {
  intIn,
  isPlainObject,
  jsonObject,
  jsonType,
  modelName,
  oneOf,
  stringOr,
  tokenLimit,
  typeName,
} from '../chat/schema';

/* ---------------------------------------------------------- content parts */

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const inputImage = z
  .looseObject({
    type: z.literal('input_image'),
    image_url: z.string().min(1).nullish(),
    file_id: z.string().min(1).nullish(),
    detail: z.enum(['low', 'high', 'auto']).optional(),
  })
  .refine((p) => !!p.image_url || !!p.file_id, { message: 'input_image: give image_url or file_id' });
const inputFile = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().optional(),
  file_id: z.string().optional(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
});
const inputAudio = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const PART_TYPES = {
  input_text: inputText,
  input_image: inputImage,
  input_file: inputFile,
  input_audio: inputAudio,
  output_text: outputText,
  refusal,
} as const;
const otherPart = z.looseObject({ type: typeName.refine((t) => !(t in PART_TYPES)) });

const contentPart = oneOf([inputText, inputImage, inputFile, inputAudio, outputText, refusal, otherPart], (v) => {
  if (!isPlainObject(v)) return `Invalid input: expected object, received ${jsonType(v)}`;
  return typeof v.type === 'string' && v.type in PART_TYPES ? PART_TYPES[v.type as keyof typeof PART_TYPES] : otherPart;
});

/* ------------------------------------------------------------ input items */

const message = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: stringOr(z.array(contentPart), 'array of content parts'),
});
const functionCall = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: stringOr(z.array(contentPart), 'array of content parts'),
});
const itemReference = z.looseObject({ type: z.literal('item_reference'), id: z.string().min(1) });
const ITEM_TYPES = {
  message,
  function_call: functionCall,
  function_call_output: functionCallOutput,
  item_reference: itemReference,
} as const;
/** reasoning, web_search_call, computer_call and whatever comes next: passed on as they are. */
const otherItem = z.looseObject({ type: typeName.refine((t) => !(t in ITEM_TYPES)) });

const inputItem = oneOf([message, functionCall, functionCallOutput, itemReference, otherItem], (v) => {
  if (!isPlainObject(v)) return `Invalid input: expected object, received ${jsonType(v)}`;
  if (v.type === undefined) return message;
  return typeof v.type === 'string' && v.type in ITEM_TYPES ? ITEM_TYPES[v.type as keyof typeof ITEM_TYPES] : otherItem;
});

export const responsesInput = stringOr(z.array(inputItem), 'array of input items');

/* ------------------------------------------------------------------ tools */

/** Function tools are flat in the Responses API: name and parameters on the tool itself. */
export const responsesFunctionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: jsonObject.nullish(),
  strict: z.boolean().nullish(),
});
/** Built-in tools (web_search, file_search, computer_use_preview, code_interpreter, mcp, ...). */
const builtInTool = z.looseObject({ type: typeName.refine((t) => t !== 'function') });
const responsesTool = oneOf([responsesFunctionTool, builtInTool], (v) => {
  if (!isPlainObject(v)) return `Invalid input: expected object, received ${jsonType(v)}`;
  return v.type === 'function' ? responsesFunctionTool : builtInTool;
});

const toolChoiceMode = z.enum(['none', 'auto', 'required']);
const namedChoice = z.looseObject({ type: typeName });
const responsesToolChoice = oneOf([toolChoiceMode, namedChoice], (v) =>
  typeof v === 'string' ? toolChoiceMode : namedChoice,
);

/* ---------------------------------------------------------------- request */

export const responsesRequest = z.looseObject({
  model: modelName,
  input: responsesInput,
  instructions: z.string().nullish(),
  max_output_tokens: tokenLimit.nullish(),
  max_tool_calls: intIn(1, 1000).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(responsesTool).optional(),
  tool_choice: responsesToolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  text: jsonObject.nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  include: z.array(z.string()).nullish(),
  user: z.string().optional(),
  service_tier: z.string().nullish(),
});

export type ResponsesRequest = z.output<typeof responsesRequest>;
