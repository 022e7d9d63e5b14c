/**
 * Foreign fields: fields an inbound format does not define but a format it may be converted to
 * does (OpenAI's `n` or `stream_options` in an Anthropic Messages body). Each is checked for its
 * JSON type only, as its own format gives it; a wrong type answers 400 naming the field, on every
 * route, whichever channel the call would reach. The value is otherwise left to the format that
 * knows it: a native channel receives the field as the client sent it, a converted route drops it
 * (the converters build the target body from the inbound format's own fields), and the hold never
 * reads it (request-shape.ts reads each format's own fields only).
 *
 * The conversion targets follow route.ts: chat completions is the hub, and Anthropic Messages and
 * Gemini are the other channel formats. Completions and embeddings are served natively only, so
 * they have no foreign fields: unknown fields pass to the channel.
 */
import type { z } from 'zod';
import { jsonType } from './chat/schema';

type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object';
interface FieldType {
  types: readonly JsonType[];
  nullable: boolean;
}
export type FieldTable = Readonly<Record<string, FieldType>>;

const t = (...types: JsonType[]): FieldType => ({ types, nullable: false });
const n = (...types: JsonType[]): FieldType => ({ types, nullable: true });

/** Top-level fields of each channel format, by JSON type (kept in step with ./chat, ./messages, ./gemini by a unit test). */
export const FORMAT_FIELDS = {
  chat: {
    model: t('string'),
    messages: t('array'),
    temperature: n('number'),
    top_p: n('number'),
    presence_penalty: n('number'),
    frequency_penalty: n('number'),
    logit_bias: n('object'),
    seed: n('number'),
    stop: n('string', 'array'),
    n: n('number'),
    stream: n('boolean'),
    stream_options: n('object'),
    max_tokens: n('number'),
    user: t('string'),
    max_completion_tokens: n('number'),
    tools: t('array'),
    tool_choice: t('string', 'object'),
    parallel_tool_calls: n('boolean'),
    functions: t('array'),
    function_call: t('string', 'object'),
    response_format: t('object'),
    logprobs: n('boolean'),
    top_logprobs: n('number'),
    reasoning_effort: n('string'),
    modalities: n('array'),
    metadata: n('object'),
    store: n('boolean'),
    service_tier: n('string'),
  },
  messages: {
    model: t('string'),
    max_tokens: t('number'),
    messages: t('array'),
    system: t('string', 'array'),
    stream: t('boolean'),
    temperature: t('number'),
    top_p: t('number'),
    top_k: t('number'),
    stop_sequences: t('array'),
    metadata: t('object'),
    tools: t('array'),
    tool_choice: t('object'),
    thinking: t('object'),
    service_tier: t('string'),
  },
  // Google takes the snake_case spellings too.
  gemini: {
    contents: t('array'),
    systemInstruction: t('object'),
    tools: t('array'),
    toolConfig: t('object'),
    generationConfig: t('object'),
    safetySettings: t('array'),
    cachedContent: t('string'),
    system_instruction: t('object'),
    tool_config: t('object'),
    generation_config: t('object'),
    safety_settings: t('array'),
    cached_content: t('string'),
  },
} as const satisfies Record<string, FieldTable>;

type ChannelFormat = keyof typeof FORMAT_FIELDS;
const CHANNEL_FORMATS = Object.keys(FORMAT_FIELDS) as ChannelFormat[];

/** The channel formats a body of each inbound format may be converted to (route.ts). */
export const CONVERSION_TARGETS: Readonly<Record<string, readonly ChannelFormat[]>> = {
  chat: ['messages', 'gemini'],
  completions: [],
  embeddings: [],
  messages: ['chat', 'gemini'],
  responses: CHANNEL_FORMATS,
  gemini: ['chat', 'messages'],
};

/** The foreign fields of an inbound format whose own fields are `own`; a field several targets know takes any of their types. */
export function foreignFields(inbound: string, own: readonly string[]): FieldTable {
  const out: Record<string, FieldType> = {};
  for (const target of CONVERSION_TARGETS[inbound] ?? []) {
    for (const [key, type] of Object.entries<FieldType>(FORMAT_FIELDS[target])) {
      if (own.includes(key)) continue;
      const seen = out[key];
      out[key] = seen
        ? { types: [...new Set([...seen.types, ...type.types])], nullable: seen.nullable || type.nullable }
        : type;
    }
  }
  return out;
}

const isType = (v: unknown, type: JsonType) =>
  type === 'array' ? Array.isArray(v) : type === 'object' ? jsonType(v) === 'object' : typeof v === type;

/** Why `v` does not fit the field (of one of its JSON types, or null where its format allows it); null when it does. */
function misfit(v: unknown, { types, nullable }: FieldType): string | null {
  if (v === undefined || (v === null && nullable) || types.some((type) => isType(v, type))) return null;
  const expected = [...types, ...(nullable ? ['null'] : [])].join(' or ');
  return `Invalid input: expected ${expected}, received ${jsonType(v)} (a field of another API format, checked for its type)`;
}

/** The inbound schema, its foreign fields type-checked once its own fields have passed. */
export function withForeignFields<S extends z.ZodObject>(inbound: string, schema: S): S {
  const foreign = Object.entries(foreignFields(inbound, Object.keys(schema.shape)));
  return schema.superRefine((body: Record<string, unknown>, ctx) => {
    for (const [key, type] of foreign) {
      const message = misfit(body[key], type);
      if (message) ctx.addIssue({ code: 'custom', path: [key], message });
    }
  });
}
