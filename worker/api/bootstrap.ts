import type { Env } from '../env';
import { settingsOf } from '../env';
import { hashPassword } from '../lib/crypto';

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
  const existing = await env.DB.prepare('SELECT id FROM users WHERE username = ?').bind(ADMIN_USERNAME).first();
  if (existing) return;
  const now = Date.now();
  await env.DB.prepare(
    `INSERT OR IGNORE INTO users (username, password_hash, role, "group", quota, used_quota, status, created_at, updated_at)
     VALUES (?, ?, 'admin', 'default', 0, 0, 'enabled', ?, ?)`,
  )
    .bind(ADMIN_USERNAME, await hashPassword(ADMIN_PASSWORD), now, now)
    .run();
}
