/** The registry of client formats: adding one is a folder under formats/ and a line here. */
import type { Endpoint, Format } from './types';
import { chat } from './chat';
import { completions } from './completions';
import { embeddings } from './embeddings';
import { messages } from './messages';
import { responses } from './responses';
import { gemini } from './gemini';

export const FORMATS: Readonly<Record<Endpoint, Format>> = {
  chat,
  completions,
  embeddings,
  messages,
  responses,
  gemini,
};

export const formatOf = (endpoint: Endpoint): Format => FORMATS[endpoint];

export type { CallShape, ClientSide, Endpoint, Format, ParsedCall, UpstreamError } from './types';
