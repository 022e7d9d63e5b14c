/** Each stream format's reader, from the provider module it belongs to. */
import type { StreamFormat, StreamReader } from '../hub/tap';
import { readMessagesEvent } from './anthropic/usage';
import { readGeminiChunk } from './gemini/usage';
import { readChatChunk, readResponsesEvent } from './openai/usage';

export const STREAM_READERS: Record<StreamFormat, StreamReader> = {
  openai: readChatChunk,
  responses: readResponsesEvent,
  anthropic: readMessagesEvent,
  gemini: readGeminiChunk,
};
