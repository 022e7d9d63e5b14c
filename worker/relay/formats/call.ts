import { formatOf } from './index';
import type { Endpoint, ParsedCall } from './types';

export type { ParsedCall } from './types';

/** Validates the body against the format's schema; answers the field at fault. */
export function parseCall(endpoint: Endpoint, json: unknown): ParsedCall | { error: string } {
  const format = formatOf(endpoint);
  const result = format.schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const body = result.data;
  return { body, ...format.shape(body) };
}
