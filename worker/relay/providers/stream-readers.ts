/** Each stream format's reader, from the provider module it belongs to. */
import type { StreamFormat, StreamReader } from '../stream-tap';
import { readMessagesEvent } from './anthropic-stream';
import { readGeminiChunk } from './gemini-stream';
import { readChatChunk, readResponsesEvent } from './openai-stream';

export const STREAM_READERS: Record<StreamFormat, StreamReader> = {
  openai: readChatChunk,
  responses: readResponsesEvent,
  anthropic: readMessagesEvent,
  gemini: readGeminiChunk,
};
