/** OpenAI embeddings: no completion, no stream; served natively by OpenAI-compatible channels only. */
import type { Format } from '../types';
import { tokenIdsOr } from '../../prompt/count';
import { modelOf } from '../shape';
import { inboundSchemas } from '../schemas';
import { chat } from '../chat';
import { openAiErrorBody, openAiStreamError } from '../chat/errors';

export const embeddings: Format = {
  endpoint: 'embeddings',
  paths: ['/v1/embeddings'],
  upstreamPath: '/embeddings',
  streamUsageOptIn: false,
  schema: inboundSchemas.embeddings,
  shape: (body) => ({ model: modelOf(body), stream: false, clientWantsUsage: false, maxCompletion: null, choices: 1 }),
  withLimit: null,
  countPrompt: (c, body) => tokenIdsOr(c, body.input),
  client: chat.client,
  errorBody: openAiErrorBody,
  streamError: openAiStreamError,
};
