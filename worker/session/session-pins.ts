import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { samePin, type Pin } from './types';

interface Stored {
  pin: Pin;
  expires: number;
}

/** An expiry refreshed less than this long ago is not written again (a touch a minute at most). */
const TOUCH_EVERY_MS = 60_000;

/**
 * One per (session, model): the channel and key the session is pinned to. Single-threaded, so
 * every isolate that asks agrees, however many place or move the session at the same moment.
 */
export class SessionPins extends DurableObject<Env> {
  private stored: Stored | null | undefined;

  private async load(): Promise<Stored | null> {
    if (this.stored === undefined) this.stored = (await this.ctx.storage.get<Stored>('pin')) ?? null;
    if (this.stored && this.stored.expires <= Date.now()) this.stored = null;
    return this.stored;
  }

  private async save(pin: Pin, ttlMs: number): Promise<void> {
    const first = this.stored == null;
    this.stored = { pin, expires: Date.now() + ttlMs };
    await this.ctx.storage.put('pin', this.stored);
    if (first && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(this.stored.expires);
  }

  /** The live pin, its hour renewed; with none, `proposal` becomes the pin. */
  async claim(proposal: Pin, ttlMs: number): Promise<Pin> {
    const now = await this.load();
    if (!now) {
      await this.save(proposal, ttlMs);
      return proposal;
    }
    if (now.expires - Date.now() < ttlMs - TOUCH_EVERY_MS) await this.save(now.pin, ttlMs);
    return now.pin;
  }

  /**
   * Moves the session from `from` to `to`, unless another caller moved it first: then the pin it
   * moved to stands (the session moves once, and stays). Answers the pin that holds.
   */
  async move(from: Pin, to: Pin, ttlMs: number): Promise<Pin> {
    const now = await this.load();
    if (now && !samePin(now.pin, from)) return now.pin;
    await this.save(to, ttlMs);
    return to;
  }

  override async alarm(): Promise<void> {
    const now = await this.load();
    if (now) await this.ctx.storage.setAlarm(now.expires);
    else {
      this.stored = null;
      await this.ctx.storage.deleteAll();
    }
  }
}
