/** Small readers shared by the formats' `shape` and `withLimit`. */
import type { Obj } from '../../lib/json';

export const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
export const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
export const modelOf = (body: Obj): string => (typeof body.model === 'string' ? body.model : '');
export const streamOf = (body: Obj): boolean => body.stream === true;
/** A non-empty string field (a session id), or null. */
export const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
