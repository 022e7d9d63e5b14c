import { describe, it } from 'vitest';
import { messagesRequest } from '../../worker/relay/formats/schemas';
import { checkMalformed } from '../support/malformed-run';

describe('malformed Anthropic Messages bodies, generated from the schema, never answer 5xx', () => {
  it(
    '/v1/messages, through anthropic and openai channels',
    () => checkMalformed('/v1/messages', messagesRequest, 'messages', ['anthropic', 'openai']),
    120_000,
  );
});
