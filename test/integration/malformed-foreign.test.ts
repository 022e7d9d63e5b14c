import { describe, it } from 'vitest';
import {
  chatRequest,
  completionsRequest,
  embeddingsRequest,
  geminiRequest,
  messagesRequest,
  responsesRequest,
} from '../../worker/relay/formats/schemas';
import { checkForeign } from '../support/malformed-run';

/**
 * Fields of another API format, of wrong types and hostile values, on every route and through
 * every channel type that serves it. The targets are the channel formats a route converts to.
 */
describe("foreign fields, generated from the other formats' schemas, answer 400 when of a wrong type and never 5xx", () => {
  const ALL = ['openai', 'anthropic', 'gemini'];
  it(
    '/v1/messages',
    () => checkForeign('/v1/messages', messagesRequest, 'messages', [chatRequest, geminiRequest], ALL, true),
    180_000,
  );
  it(
    '/v1/chat/completions',
    () => checkForeign('/v1/chat/completions', chatRequest, 'chat', [messagesRequest, geminiRequest], ALL, true),
    180_000,
  );
  it(
    '/v1/responses',
    () =>
      checkForeign(
        '/v1/responses',
        responsesRequest,
        'responses',
        [chatRequest, messagesRequest, geminiRequest],
        ALL,
        true,
      ),
    180_000,
  );
  it(
    '/v1beta/models/{model}:generateContent',
    () =>
      checkForeign(
        '/v1beta/models/{model}:generateContent',
        geminiRequest,
        'gemini',
        [chatRequest, messagesRequest],
        ALL,
        true,
      ),
    180_000,
  );
  // Served natively only: other formats' fields pass to the channel, whatever their type.
  it(
    '/v1/completions',
    () =>
      checkForeign(
        '/v1/completions',
        completionsRequest,
        'completions',
        [chatRequest, messagesRequest, geminiRequest],
        ['openai'],
        false,
      ),
    180_000,
  );
  it(
    '/v1/embeddings',
    () =>
      checkForeign(
        '/v1/embeddings',
        embeddingsRequest,
        'embeddings',
        [chatRequest, messagesRequest, geminiRequest],
        ['openai'],
        false,
      ),
    180_000,
  );
});
