import { randomAlphanumeric } from './crypto';

export const newRequestId = () => `req_${randomAlphanumeric(24)}`;

export function parseJsonArray<T>(text: string | null | undefined): T[] | null {
  if (!text) return null;
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : null;
}

/** `YYYY-MM-DD` of a UTC time. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
