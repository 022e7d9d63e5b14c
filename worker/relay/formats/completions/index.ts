/** OpenAI's legacy completions: served natively by OpenAI-compatible channels only. */
import type { Format } from '../types';
import { tokenIdsOr, walk } from '../../prompt/count';
import { modelOf, num, obj, streamOf } from '../shape';
import { inboundSchemas } from '../schemas';
import { chat } from '../chat';
import { openAiErrorBody, openAiStreamError } from '../chat/errors';

export const completions: Format = {
  endpoint: 'completions',
  paths: ['/v1/completions'],
  upstreamPath: '/completions',
  streamUsageOptIn: true,
  schema: inboundSchemas.completions,
  shape: (body) => ({
    model: modelOf(body),
    stream: streamOf(body),
    clientWantsUsage: obj(body.stream_options).include_usage === true,
    maxCompletion: num(body.max_tokens),
    choices: num(body.n) ?? 1,
  }),
  withLimit: ({ body }, limit) => ({ ...body, max_tokens: limit }),
  countPrompt: (c, body) => {
    return tokenIdsOr(c, body.prompt) + walk(c, body.suffix);
  },
  client: chat.client,
  errorBody: openAiErrorBody,
  streamError: openAiStreamError,
};
