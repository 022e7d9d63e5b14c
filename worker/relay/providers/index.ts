import { anthropic } from './anthropic/index';
import { gemini } from './gemini/index';
import { openai } from './openai/index';
import type { Provider } from './types';

const providers: Record<string, Provider> = { openai, anthropic, gemini };

export const CHANNEL_TYPES = Object.keys(providers) as [string, ...string[]];

export function providerFor(type: string): Provider {
  const p = providers[type];
  if (!p) throw new Error(`no provider for channel type ${type}`);
  return p;
}
