import type { Endpoint } from '../pick';
import { countPromptTokens } from '../prompt/count';
import { inboundSchemas } from './schemas';

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
  const result = inboundSchemas[endpoint].safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const body: Record<string, unknown> = result.data;
  return { body, model: body.model as string, stream: body.stream === true, ...limitsOf(endpoint, body) };
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The completion limit, choices and usage wish, read only from the fields the endpoint's own format
 * defines (its schema typed them): a field of another format (`n` or `stream_options` in a Messages
 * body) means nothing here, whatever its value.
 */
function limitsOf(endpoint: Endpoint, body: Record<string, unknown>): Pick<ParsedCall, 'clientWantsUsage' | 'maxCompletion' | 'choices'> {
  switch (endpoint) {
    case 'chat':
    case 'completions': {
      const max = endpoint === 'chat' ? (num(body.max_completion_tokens) ?? num(body.max_tokens)) : num(body.max_tokens);
      return { clientWantsUsage: obj(body.stream_options).include_usage === true, maxCompletion: max, choices: num(body.n) ?? 1 };
    }
    case 'embeddings':
      return { clientWantsUsage: false, maxCompletion: null, choices: 1 };
    case 'messages':
      return { clientWantsUsage: false, maxCompletion: num(body.max_tokens), choices: 1 };
    // A Responses or Gemini stream always ends with its usage (response.completed, usageMetadata).
    case 'responses':
      return { clientWantsUsage: true, maxCompletion: num(body.max_output_tokens), choices: 1 };
    case 'gemini': {
      // Either spelling, camelCase first, as the converters read them.
      const generation = obj(body.generationConfig ?? body.generation_config);
      const max = num(generation.maxOutputTokens ?? generation.max_output_tokens);
      return { clientWantsUsage: true, maxCompletion: max, choices: num(generation.candidateCount ?? generation.candidate_count) ?? 1 };
    }
  }
}

/** Prompt tokens over every part of the input, as the hold counts them. */
export function countPrompt(endpoint: Endpoint, call: ParsedCall): number {
  return countPromptTokens(endpoint, call.model, call.body);
}

/** Models that take `max_completion_tokens` only (OpenAI's reasoning families). */
export const COMPLETION_TOKENS_ONLY = /^(o\d|gpt-5)/i;

/**
 * The body with its completion limit set to `limit`, in the field its format uses: the one the
 * client used, else `max_tokens` (or `max_completion_tokens` for models that take only that).
 */
export function withCompletionLimit(endpoint: Endpoint, call: ParsedCall, limit: number): Record<string, unknown> {
  const b = call.body;
  switch (endpoint) {
    case 'embeddings':
      return b;
    case 'chat': {
      const field = b.max_completion_tokens != null || (b.max_tokens == null && COMPLETION_TOKENS_ONLY.test(call.model)) ? 'max_completion_tokens' : 'max_tokens';
      return { ...b, [field]: limit };
    }
    case 'completions':
      return { ...b, max_tokens: limit };
    case 'responses':
      return { ...b, max_output_tokens: limit };
    case 'gemini':
      return geminiWithLimit(b, limit);
    case 'messages': {
      // Anthropic wants a thinking budget below max_tokens; a lowered limit takes the budget down with it.
      const thinking = b.thinking as { type?: string; budget_tokens?: number } | undefined;
      const budget = thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' && thinking.budget_tokens >= limit ? Math.max(1024, limit - 1) : null;
      return budget === null ? { ...b, max_tokens: limit } : { ...b, max_tokens: limit, thinking: { ...thinking, budget_tokens: budget } };
    }
  }
}

/** The Gemini body with its output limit set, in the spelling the client used (Google refuses a field given twice). */
function geminiWithLimit(b: Record<string, unknown>, limit: number): Record<string, unknown> {
  const outer = b.generationConfig == null && b.generation_config != null ? 'generation_config' : 'generationConfig';
  const { maxOutputTokens: camel, max_output_tokens: snakeCase, ...rest } = obj(b[outer]);
  const inner = camel == null && (snakeCase != null || outer === 'generation_config') ? 'max_output_tokens' : 'maxOutputTokens';
  return { ...b, [outer]: { ...rest, [inner]: limit } };
}
