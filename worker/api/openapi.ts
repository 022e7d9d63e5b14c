import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-types';
import { ApiError } from '../lib/errors';

/** A router whose validation failures answer 400 in the contract's shape, naming the field. */
export function router(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const field = issue?.path.length ? issue.path.join('.') : 'body';
        throw new ApiError(400, 'invalid_request', `${field}: ${issue?.message ?? 'invalid value'}`);
      }
    },
  });
}

export const ErrorSchema = z
  .object({ error: z.object({ message: z.string(), type: z.string(), code: z.string() }) })
  .openapi('Error');

export function json<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}

export const errors = {
  400: json(ErrorSchema, 'Bad input; the message names the field'),
  401: json(ErrorSchema, 'No session'),
  403: json(ErrorSchema, 'Not allowed'),
  404: json(ErrorSchema, 'No such record'),
};

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Parses an ISO time or epoch milliseconds. */
export const TimeInput = z.union([
  z.iso.datetime({ offset: true }),
  z.iso.date(),
  z.coerce.number().int().nonnegative(),
]);

export function toMs(v: string | number): number {
  return typeof v === 'number' ? v : Date.parse(v);
}
