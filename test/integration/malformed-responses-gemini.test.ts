import { describe, it } from 'vitest';
import { geminiRequest, responsesRequest } from '../../worker/relay/formats/schemas';
import { checkMalformed } from '../support/malformed-run';

describe('malformed Responses and Gemini bodies, generated from the schemas, never answer 5xx', () => {
  it(
    '/v1/responses, through openai, anthropic and gemini channels',
    () => checkMalformed('/v1/responses', responsesRequest, 'responses', ['openai', 'anthropic', 'gemini']),
    180_000,
  );
  it(
    '/v1beta/models/{model}:generateContent, through gemini, openai and anthropic channels',
    () =>
      checkMalformed('/v1beta/models/{model}:generateContent', geminiRequest, 'gemini', [
        'gemini',
        'openai',
        'anthropic',
      ]),
    180_000,
  );
});
