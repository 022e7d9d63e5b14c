import { z } from 'zod';
import type { Endpoint } from './pick';
import { countChatPrompt, countInputs, countText, contentText } from './tokenize';

const Model = z.string().min(1).max(256);
const MaxTokens = z.number().int().positive().optional().nullable();

const shapes: Record<Endpoint, z.ZodType<Record<string, unknown>>> = {
  chat: z.looseObject({
    model: Model,
    messages: z.array(z.looseObject({ role: z.string() })).min(1),
    stream: z.boolean().optional().nullable(),
    max_tokens: MaxTokens,
    max_completion_tokens: MaxTokens,
    n: z.number().int().positive().max(128).optional().nullable(),
  }),
  completions: z.looseObject({
    model: Model,
    prompt: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
    stream: z.boolean().optional().nullable(),
    max_tokens: MaxTokens,
    n: z.number().int().positive().max(128).optional().nullable(),
  }),
  embeddings: z.looseObject({
    model: Model,
    input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)]),
  }),
  messages: z.looseObject({
    model: Model,
    messages: z.array(z.looseObject({ role: z.string() })).min(1),
    max_tokens: z.number().int().positive(),
    stream: z.boolean().optional().nullable(),
  }),
};

export interface ParsedCall {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  clientWantsUsage: boolean;
  /** Completion tokens the client allows, or null when it set none. */
  maxCompletion: number | null;
  choices: number;
}

/** Validates the body against the endpoint's shape; answers the field at fault. */
export function parseCall(endpoint: Endpoint, json: unknown): ParsedCall | { error: string } {
  const result = shapes[endpoint].safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const body = result.data;
  const streamOptions = body.stream_options as Record<string, unknown> | undefined;
  const max = (body.max_completion_tokens ?? body.max_tokens) as number | null | undefined;
  return {
    body,
    model: body.model as string,
    stream: body.stream === true,
    clientWantsUsage: streamOptions?.include_usage === true,
    maxCompletion: max ?? null,
    choices: typeof body.n === 'number' ? body.n : 1,
  };
}

/** Prompt tokens as the model family's tokenizer counts them. */
export function countPrompt(endpoint: Endpoint, call: ParsedCall): number {
  const b = call.body;
  switch (endpoint) {
    case 'chat':
      return countChatPrompt(call.model, b.messages as unknown[], [b.tools, b.functions]);
    case 'completions':
    case 'embeddings':
      return countInputs(call.model, endpoint === 'completions' ? b.prompt : b.input);
    case 'messages': {
      const system = typeof b.system === 'string' ? b.system : contentText(b.system);
      return countText(call.model, system) + countChatPrompt(call.model, b.messages as unknown[], [b.tools]);
    }
  }
}
