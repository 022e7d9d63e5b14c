/** A channel's health object, addressed by channel id, which the client passes on to each call. */
import type { Env } from '../env';
import type { ChannelHealth } from './channel-health';
import type { HealthReport } from './types';

export class HealthClient {
  private readonly stub: DurableObjectStub<ChannelHealth>;

  constructor(
    env: Env,
    readonly channelId: number,
  ) {
    this.stub = env.CHANNEL_HEALTH.get(env.CHANNEL_HEALTH.idFromName(`channel:${channelId}`));
  }

  view = () => this.stub.view(this.channelId);
  report = (r: Omit<HealthReport, 'channelId'>) => this.stub.report({ ...r, channelId: this.channelId });
  acquireProbe = (cooldownMs: number) => this.stub.acquireProbe(this.channelId, cooldownMs);
  reset = (clearKeys = false) => this.stub.reset(this.channelId, clearKeys);
  enableKey = (index: number) => this.stub.enableKey(this.channelId, index);
}

export const healthOf = (env: Env, channelId: number) => new HealthClient(env, channelId);
