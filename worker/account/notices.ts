/**
 * The account object's mail decisions, made in settle (after the response, in waitUntil) from what
 * the object already holds: no D1 read, no extra round trip on the hot path.
 * - New IP: each key's IPs are kept in this object's storage; the first use from an unseen one
 *   queues a notice, at most one per key per 10 minutes (the IPs seen meanwhile go in the next).
 * - Low balance: one notice when the balance falls below the threshold; armed again above it.
 */
import type { Env } from '../env';
import type { MailMessage, NewIpSeen } from '../mail/messages';
import type { LogWrite } from './types';

export const NEW_IP_WINDOW_MS = 10 * 60_000;
/** IPs listed in one mail at most; more are counted as seen but not listed. */
const MAX_LISTED = 50;
const KNOWN_IN_MEMORY = 20_000;

/** What the notifications API told the object (only what it decides here). */
export interface NotifyPrefs {
  newIp: boolean;
  /** Units, or null for none. */
  lowBalance: number | null;
  /** The site's origin, for links in the mails. */
  base: string | null;
}

export interface IpWatch {
  lastMailAt: number;
  pending: NewIpSeen[];
}

interface LowState {
  armed: boolean;
  seq: number;
}

const ipKey = (tokenId: number, ip: string) => `kip:${tokenId}:${ip}`;
const watchKey = (tokenId: number) => `nip:${tokenId}`;

export class AccountNotices {
  private prefs: NotifyPrefs | null | undefined;
  private low: LowState | undefined;
  private readonly known = new Set<string>();
  /** When the earliest held-back new-IP notice is due (stored as `nipdue`); null: none. */
  private due: number | null | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly wakeAt: (at: number) => Promise<void>,
  ) {}

  private async loadPrefs(): Promise<NotifyPrefs | null> {
    if (this.prefs === undefined) this.prefs = (await this.storage.get<NotifyPrefs>('notify')) ?? null;
    return this.prefs;
  }

  private async loadLow(): Promise<LowState> {
    this.low ??= (await this.storage.get<LowState>('low')) ?? { armed: true, seq: 0 };
    return this.low;
  }

  async setPrefs(prefs: NotifyPrefs, balance: number): Promise<void> {
    const low = await this.loadLow();
    // A new threshold is armed only where the balance is above it: the notice is for a crossing.
    this.low = { armed: prefs.lowBalance === null || balance >= prefs.lowBalance, seq: low.seq };
    this.prefs = prefs;
    await this.storage.put({ notify: prefs, low: this.low });
  }

  /** After a settle: never throws, so mail can never fail a charge. */
  async afterSettle(userId: number, log: LogWrite, balance: number): Promise<void> {
    try {
      const prefs = await this.loadPrefs();
      await this.noteIp(userId, prefs, log);
      await this.checkBalance(userId, prefs, balance);
    } catch (err) {
      console.error('account notices:', err instanceof Error ? err.message : err);
    }
  }

  async afterCredit(userId: number, balance: number): Promise<void> {
    try {
      await this.checkBalance(userId, await this.loadPrefs(), balance);
    } catch (err) {
      console.error('account notices:', err instanceof Error ? err.message : err);
    }
  }

  private async send(message: MailMessage): Promise<void> {
    await this.env.MAIL_QUEUE?.send(message);
  }

  private async checkBalance(userId: number, prefs: NotifyPrefs | null, balance: number): Promise<void> {
    const threshold = prefs?.lowBalance ?? null;
    if (!prefs || threshold === null) return;
    const low = await this.loadLow();
    if (balance < threshold && low.armed) {
      const seq = low.seq + 1;
      await this.send({
        type: 'low_balance',
        key: `low:${userId}:${seq}`,
        userId,
        balance,
        threshold,
        base: prefs.base,
      });
      this.low = { armed: false, seq };
    } else if (balance >= threshold && !low.armed) {
      this.low = { armed: true, seq: low.seq };
    } else return;
    await this.storage.put('low', this.low);
  }

  /** Whether the key had been used from this IP; remembers it from now on. */
  private async isNewIp(tokenId: number, ip: string, at: number): Promise<boolean> {
    const key = ipKey(tokenId, ip);
    if (this.known.has(key)) return false;
    if (this.known.size >= KNOWN_IN_MEMORY) this.known.clear();
    this.known.add(key);
    if ((await this.storage.get<number>(key)) !== undefined) return false;
    await this.storage.put(key, at);
    return true;
  }

  private async noteIp(userId: number, prefs: NotifyPrefs | null, log: LogWrite): Promise<void> {
    const { token_id: tokenId, ip } = log;
    if (tokenId === null || !ip || !(await this.isNewIp(tokenId, ip, log.created_at))) return;
    if (!prefs?.newIp) return;
    const watch = (await this.storage.get<IpWatch>(watchKey(tokenId))) ?? { lastMailAt: 0, pending: [] };
    if (watch.pending.length < MAX_LISTED) watch.pending.push({ ip, at: log.created_at, model: log.model });
    await this.flushWatch(userId, tokenId, watch, prefs, Date.now());
  }

  /** Mails a key's pending IPs if its window allows; otherwise wakes the object when it will. */
  private async flushWatch(
    userId: number,
    tokenId: number,
    watch: IpWatch,
    prefs: NotifyPrefs,
    now: number,
  ): Promise<void> {
    const due = watch.lastMailAt + NEW_IP_WINDOW_MS;
    if (watch.pending.length > 0 && due <= now) {
      await this.send({
        type: 'new_ip',
        key: `newip:${tokenId}:${now}`,
        userId,
        tokenId,
        ips: watch.pending,
        base: prefs.base,
      });
      await this.storage.put(watchKey(tokenId), { lastMailAt: now, pending: [] } satisfies IpWatch);
      return;
    }
    await this.storage.put(watchKey(tokenId), watch);
    if (watch.pending.length === 0) return;
    const earliest = await this.loadDue();
    if (earliest === null || due < earliest) {
      this.due = due;
      await this.storage.put('nipdue', due);
    }
    await this.wakeAt(due);
  }

  private async loadDue(): Promise<number | null> {
    if (this.due === undefined) this.due = (await this.storage.get<number>('nipdue')) ?? null;
    return this.due;
  }

  /** On the object's alarm: mails the IPs that waited for their key's window to pass. */
  async onAlarm(userId: number | undefined): Promise<void> {
    const now = Date.now();
    const due = await this.loadDue();
    if (due === null) return;
    // Another alarm (a flush) came first: wake again when the held notices are due.
    if (due > now) return this.wakeAt(due);
    const prefs = await this.loadPrefs();
    if (userId === undefined || !prefs?.newIp) return;
    this.due = null;
    await this.storage.delete('nipdue');
    const watches = await this.storage.list<IpWatch>({ prefix: 'nip:' });
    for (const [key, watch] of watches) {
      if (watch.pending.length === 0) continue;
      await this.flushWatch(userId, Number(key.slice(4)), watch, prefs, now).catch((err: unknown) => {
        console.error('new-ip notice:', err instanceof Error ? err.message : err);
      });
    }
  }
}
