import { anthropic } from './anthropic';
import { gemini } from './gemini';
import { openai } from './openai';
import type { Provider } from './types';

const providers: Record<string, Provider> = { openai, anthropic, gemini };

export const CHANNEL_TYPES = Object.keys(providers) as [string, ...string[]];

export function providerFor(type: string): Provider {
  const p = providers[type];
  if (!p) throw new Error(`no provider for channel type ${type}`);
  return p;
}
