import type { Env } from '../env';
import { settingsOf } from '../env';
import { hashPassword } from '../lib/crypto';
import { dbOf } from '../db/client';
import { ensureAdmin, userIdByName } from '../db/users';

let ensured: Promise<void> | undefined;
let done = false;

/** Creates the root admin from ADMIN_USERNAME / ADMIN_PASSWORD once, on the first request. */
export async function ensureRootAdmin(env: Env): Promise<void> {
  if (done) return;
  ensured ??= createRoot(env).then(
    () => {
      done = true;
    },
    (err: unknown) => {
      ensured = undefined;
      throw err;
    },
  );
  return ensured;
}

async function createRoot(env: Env): Promise<void> {
  const { ADMIN_USERNAME, ADMIN_PASSWORD } = settingsOf(env);
  const db = dbOf(env.DB);
  if ((await userIdByName(db, ADMIN_USERNAME)) !== null) return;
  await ensureAdmin(db, ADMIN_USERNAME, await hashPassword(ADMIN_PASSWORD), Date.now());
}
