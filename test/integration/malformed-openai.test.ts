import { describe, it } from 'vitest';
import { chatRequest, completionsRequest, embeddingsRequest } from '../../worker/relay/formats/schemas';
import { checkMalformed } from '../support/malformed-run';

describe('malformed OpenAI-format bodies, generated from the schemas, never answer 5xx', () => {
  it(
    '/v1/chat/completions, through openai and anthropic channels',
    () => checkMalformed('/v1/chat/completions', chatRequest, 'chat', ['openai', 'anthropic']),
    120_000,
  );
  it(
    '/v1/completions',
    () => checkMalformed('/v1/completions', completionsRequest, 'completions', ['openai']),
    120_000,
  );
  it('/v1/embeddings', () => checkMalformed('/v1/embeddings', embeddingsRequest, 'embeddings', ['openai']), 120_000);
});
