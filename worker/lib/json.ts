/** Reading parsed JSON whose shape is not known yet (wire formats, upstream answers). */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The objects of an array, or none. */
export const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** A string, or '' for anything else. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A count from a provider's usage (tokens, images): a non-negative whole number, or 0. */
export const tokenCount = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
