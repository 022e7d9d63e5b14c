import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Db = ReturnType<typeof makeDb>;

const makeDb = (d1: D1Database) => drizzle(d1, { schema });

// One drizzle wrapper per D1 binding; bindings are stable for an isolate's (or object's) life.
const cache = new WeakMap<D1Database, Db>();

/** The typed query builder over a D1 binding. */
export function dbOf(d1: D1Database): Db {
  let db = cache.get(d1);
  if (!db) {
    db = makeDb(d1);
    cache.set(d1, db);
  }
  return db;
}

/** A statement drizzle can put in `db.batch` (one D1 transaction). */
export type Statement = Parameters<Db['batch']>[0][number];

/** Runs statements as one D1 batch (a transaction); an empty list does nothing. */
export async function runBatch(db: Db, statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const [first, ...rest] = statements;
  await db.batch([first, ...rest]);
}

/** Whether an error (or what it wraps: drizzle wraps D1's) is a UNIQUE constraint failure. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error && e.message.includes('UNIQUE constraint failed')) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
