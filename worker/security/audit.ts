/**
 * The audit log: one row for every change an admin makes, written with the change (in its D1
 * batch where the route writes one, else right after it). Summaries are built from names,
 * ids and amounts, never from keys, codes or passwords; anything that still looks like a
 * credential is masked (lib/scrub) before it is stored.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { dbOf, type Statement } from '../db/client';
import { insertAudit } from '../db/audit';
import { currentUser } from '../api/session';
import { scrub } from '../lib/scrub';

export interface AuditEntry {
  /** `<what>.<verb>`: channel.create, user.quota, options.update, ... */
  action: string;
  /** The record acted on: `channel:12`, `user:3`, `order:R2026...`. */
  target?: string | null;
  summary: string;
}

const MAX_SUMMARY = 500;

/** The row as a statement, for a route that writes its change in one batch. */
export function auditStatement(c: Context<AppEnv>, entry: AuditEntry): Statement {
  return insertAudit(dbOf(c.env.DB), {
    at: Date.now(),
    actorId: currentUser(c).id,
    action: entry.action,
    target: entry.target ?? null,
    summary: scrub(entry.summary).slice(0, MAX_SUMMARY),
    ip: c.req.header('cf-connecting-ip') ?? null,
  });
}

/** Writes the row now, right after the change it records. */
export async function audit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  await auditStatement(c, entry);
}

/** The names of the fields a body changes, for a summary: the values stay out of it. */
export const fieldsOf = (body: object): string =>
  Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .join(', ');
