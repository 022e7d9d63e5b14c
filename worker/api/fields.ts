/** Field rules and answer shapes the management API shares; each lives here once. */
import { z } from '@hono/zod-openapi';

export const GroupName = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'use 1-32 letters, digits, _ or -');
export const ModelName = z.string().trim().min(1).max(256);
/**
 * A name (of a key, channel, user or code): plain text of 1-64 characters. A control character or
 * line separator is refused, so no name can carry a line break into a mail header or a log line.
 */
export const Name = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]*$/u, 'plain text only: no control characters or line breaks');
export const Username = z
  .string()
  .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]*$/u, 'plain text only: no control characters or line breaks')
  .regex(/^[A-Za-z0-9_.@-]{3,64}$/, 'use 3-64 letters, digits or _ . @ -');
export const Password = z.string().min(8, 'at least 8 characters').max(128);
export const Units = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A PATCH body: the fields are optional, and at least one must be given. */
export function atLeastOne<T extends z.ZodRawShape>(shape: T) {
  const names = Object.keys(shape).join(', ');
  return z
    .object(shape)
    .partial()
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: `give at least one of ${names}` });
}

/** A time in an answer: ISO 8601 in UTC. */
export const Iso = z.string().openapi({ format: 'date-time', example: '2026-11-28T12:00:00.000Z' });
export const isoOf = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** `{items}`: a whole list. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** `{items, next_cursor}`: one page, newest first; `next_cursor` fetches the next (null at the end). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
export const Cursor = z.coerce.number().int().positive().optional();
