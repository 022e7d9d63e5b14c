/** Upstream channels: keys sealed with AES-256-GCM, never in clear; circuit state mirrored from each channel's object. */
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Db, Statement } from './client';
import { channels } from './schema';
import type { KeyAside } from '../relay/keys';

export type ChannelRow = typeof channels.$inferSelect;
export type NewChannel = Omit<typeof channels.$inferInsert, 'id'>;
export type ChannelChange = Partial<Omit<ChannelRow, 'id' | 'createdAt'>>;

/** Every channel, highest priority first (the relay's snapshot and the operator's list). */
export async function allChannels(db: Db): Promise<ChannelRow[]> {
  return db.select().from(channels).orderBy(desc(channels.priority), asc(channels.id));
}

export async function channelById(db: Db, id: number): Promise<ChannelRow | null> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  return row ?? null;
}

export async function insertChannel(db: Db, c: NewChannel): Promise<ChannelRow> {
  const [row] = await db.insert(channels).values(c).returning();
  return row;
}

export async function updateChannel(db: Db, id: number, change: ChannelChange, now: number): Promise<void> {
  await db
    .update(channels)
    .set({ ...change, updatedAt: now })
    .where(eq(channels.id, id));
}

export async function deleteChannel(db: Db, id: number): Promise<void> {
  await db.delete(channels).where(eq(channels.id, id));
}

export interface HealthMirror {
  state: ChannelRow['healthState'];
  openedAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  latencyMs: number | null;
  keysAside: KeyAside[];
  /** The health object disabled the channel (dead key), or lifted its own disable (it answers again). */
  disabled: boolean;
  enabled: boolean;
}

/**
 * The channel object's circuit, written to the row. An automatic disable sets `auto_disabled`
 * with the error as its reason; lifting it touches only a channel the object itself disabled.
 */
export function mirrorHealth(db: Db, channelId: number, h: HealthMirror, now: number): Statement {
  return db
    .update(channels)
    .set({
      healthState: h.state,
      openedAt: h.openedAt,
      consecutiveFailures: h.consecutiveFailures,
      lastError: h.lastError,
      latencyMs: h.latencyMs,
      keyStates: h.keysAside,
      updatedAt: now,
      status: sql`CASE WHEN ${h.disabled ? 1 : 0} THEN 'auto_disabled' WHEN ${h.enabled ? 1 : 0} AND ${channels.status} = 'auto_disabled' THEN 'enabled' ELSE ${channels.status} END`,
      statusReason: sql`CASE WHEN ${h.disabled ? 1 : 0} THEN ${h.lastError} WHEN ${h.enabled ? 1 : 0} THEN NULL ELSE ${channels.statusReason} END`,
    })
    .where(eq(channels.id, channelId));
}

/**
 * Lets `group` reach every channel `from` reaches, in one statement per channel (a channel's
 * groups are a JSON list). Answers the channels changed.
 */
export async function extendGroupToChannels(db: Db, from: string, group: string, now: number): Promise<number> {
  const rows = await allChannels(db);
  const changed = rows.filter((r) => r.groups.includes(from) && !r.groups.includes(group));
  for (const r of changed)
    await db
      .update(channels)
      .set({ groups: [...r.groups, group], updatedAt: now })
      .where(eq(channels.id, r.id));
  return changed.length;
}
