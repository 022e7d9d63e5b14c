/**
 * OpenAI (legacy) Completions request bodies (POST /v1/completions). Loose objects: unknown fields
 * pass through. Shared pieces live in ./chat.
 */
import { z } from 'zod';
import { intIn, jsonType, modelName, oneOf, openaiSampling, tokenId } from '../chat/schema';

const promptText = z.string();
const promptTexts = z.array(z.string()).min(1);
const promptTokens = z.array(tokenId).min(1);
const promptTokenLists = z.array(z.array(tokenId).min(1)).min(1);

/** string | string[] | number[] | number[][]; an array's first item says which it is meant to be. */
export const completionsPrompt = oneOf([promptText, promptTexts, promptTokens, promptTokenLists], (v) => {
  if (typeof v === 'string') return promptText;
  if (!Array.isArray(v)) return `Invalid input: expected string or array, received ${jsonType(v)}`;
  if (typeof v[0] === 'number') return promptTokens;
  if (Array.isArray(v[0])) return promptTokenLists;
  return promptTexts;
});

export const completionsRequest = z.looseObject({
  model: modelName,
  prompt: completionsPrompt,
  ...openaiSampling,
  echo: z.boolean().nullish(),
  suffix: z.string().nullish(),
  best_of: intIn(0, 20).nullish(),
  logprobs: intIn(0, 5).nullish(),
});

export type CompletionsRequest = z.output<typeof completionsRequest>;
