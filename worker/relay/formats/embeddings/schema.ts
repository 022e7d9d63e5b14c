/**
 * OpenAI Embeddings request bodies (POST /v1/embeddings). Loose objects: unknown fields pass
 * through. Shared pieces live in ./chat.
 */
import { z } from 'zod';
import { jsonType, modelName, oneOf, tokenId } from '../chat/schema';

/** Inputs in one request (OpenAI's limit). */
export const MAX_EMBEDDING_INPUTS = 2048;
/** One input's text, in UTF-16 units: far above any embedding model's context, a bound on the body. */
export const MAX_EMBEDDING_TEXT = 10 * 1024 * 1024;
/** Tokens of one pre-tokenized input: OpenAI's per-request total. */
export const MAX_EMBEDDING_TOKENS = 300_000;

const text = z.string().min(1).max(MAX_EMBEDDING_TEXT);
const inputText = text;
const inputTexts = z.array(text).min(1).max(MAX_EMBEDDING_INPUTS);
const inputTokens = z.array(tokenId).min(1).max(MAX_EMBEDDING_TOKENS);
const inputTokenLists = z.array(z.array(tokenId).min(1).max(MAX_EMBEDDING_TOKENS)).min(1).max(MAX_EMBEDDING_INPUTS);

/** string | string[] | number[] | number[][]; an array's first item says which it is meant to be. */
export const embeddingsInput = oneOf([inputText, inputTexts, inputTokens, inputTokenLists], (v) => {
  if (typeof v === 'string') return inputText;
  if (!Array.isArray(v)) return `Invalid input: expected string or array, received ${jsonType(v)}`;
  if (typeof v[0] === 'number') return inputTokens;
  if (Array.isArray(v[0])) return inputTokenLists;
  return inputTexts;
});

export const embeddingsRequest = z.looseObject({
  model: modelName,
  input: embeddingsInput,
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().min(1).int().optional(),
  user: z.string().optional(),
});

export type EmbeddingsRequest = z.output<typeof embeddingsRequest>;
