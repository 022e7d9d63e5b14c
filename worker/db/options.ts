/** Operator settings: one JSON value per key. */
import { eq } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { options } from './schema';

/** Every stored option, its value parsed (a value that is not JSON is left out). */
export async function allOptions(db: Db): Promise<Record<string, unknown>> {
  const rows = await db.select({ key: options.key, value: options.value }).from(options);
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    try {
      out[r.key] = JSON.parse(r.value) as unknown;
    } catch {
      // not JSON: ignored
    }
  }
  return out;
}

export async function optionValue(db: Db, key: string): Promise<unknown> {
  const [row] = await db.select({ value: options.value }).from(options).where(eq(options.key, key));
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as unknown;
  } catch {
    return undefined;
  }
}

export function setOption(db: Db, key: string, value: unknown, now: number): Statement {
  const text = JSON.stringify(value);
  return db
    .insert(options)
    .values({ key, value: text, updatedAt: now })
    .onConflictDoUpdate({ target: options.key, set: { value: text, updatedAt: now } });
}
