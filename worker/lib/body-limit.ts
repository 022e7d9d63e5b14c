import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors';

/**
 * Refuses a body over `maxBytes` with 413 in the contract's shape, before it is parsed: a
 * declared length is checked at once, an undeclared one is measured as it streams in.
 */
export function limitBody(maxBytes: (c: Parameters<MiddlewareHandler>[0]) => number): MiddlewareHandler {
  return (c, next) => {
    const max = maxBytes(c);
    return bodyLimit({
      maxSize: max,
      onError: () => {
        throw new ApiError(413, 'request_too_large', `request body is over the limit of ${max} bytes`);
      },
    })(c, next);
  };
}
