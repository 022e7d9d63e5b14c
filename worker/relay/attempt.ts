/** The objects one relayed request is carried in, from the hold to the answer. */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { ChannelRecord } from '../db/snapshots';
import type { Admitted } from './admission';
import type { ParsedCall } from './formats';
import type { UpstreamRoute } from './hub/route';
import type { Availability } from './pick';
import type { Outcome } from './settle';

/** A request once admitted and held: what every try on a channel shares. */
export interface HeldCall {
  c: Context<AppEnv>;
  a: Admitted;
  /** The call as it is sent: its completion limit no more than was held. */
  call: ParsedCall;
  /**
   * The prompt's exact token count, taken on first use: the hold used a cheap bound, and the
   * exact count is needed only where the bound did not fit or the upstream reports no usage.
   */
  exactPrompt: () => number;
  /** Units held. */
  held: number;
  /** Rate-limit headers every answer carries. */
  headers: Record<string, string>;
  startedAt: number;
}

/** One try on one channel: the call, the channel, how it is reached, and how it went. */
export interface Attempt {
  held: HeldCall;
  channel: ChannelRecord;
  /** The channel's state when it was picked; anything but `ready` was a probe. */
  state: Availability;
  route: UpstreamRoute;
  upstreamModel: string;
  outcome: Outcome;
}
