import { randomAlphanumeric } from './crypto';

export const newRequestId = () => `req_${randomAlphanumeric(24)}`;

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
