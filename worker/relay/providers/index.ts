/** The registry of providers (channel types): adding one is a folder under providers/ and a line here. */
import type { ChannelRecord } from '../../db/snapshots';
import type { Endpoint } from '../formats';
import { anthropic } from './anthropic';
import { deepseek } from './deepseek';
import { gemini } from './gemini';
import { openai } from './openai';
import type { Provider } from './types';

const providers: Readonly<Record<string, Provider>> = { openai, anthropic, gemini, deepseek };

export const CHANNEL_TYPES = Object.keys(providers) as [string, ...string[]];

export function providerFor(type: string): Provider {
  const p = providers[type];
  if (!p) throw new Error(`no provider for channel type ${type}`);
  return p;
}

/** Whether a channel can serve a client format at all, as it is asked or through the hub. */
export const serves = (channel: Pick<ChannelRecord, 'type'>, endpoint: Endpoint): boolean =>
  providers[channel.type]?.serves[endpoint] !== undefined;

/**
 * Whether a channel speaks a client format as it is. A channel whose operator said it has no
 * Responses API (`serves_responses: false`) is sent Responses calls through the hub instead.
 */
export function speaksNatively(endpoint: Endpoint, channel: Pick<ChannelRecord, 'type' | 'servesResponses'>): boolean {
  if (providers[channel.type]?.serves[endpoint] !== 'native') return false;
  return endpoint !== 'responses' || channel.servesResponses !== false;
}
