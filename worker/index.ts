import { buildApp } from './app';
import type { Env } from './env';
import { onSchedule } from './maintenance';
import { onMailBatch } from './mail/consumer';

export { TokenGate } from './gate/token-gate';
export { Account } from './account/account-growth';
export { ChannelHealth } from './health/channel-health';
export { NoticeTally } from './payments/notice-tally';
export { SessionPins } from './session/session-pins';

const app = buildApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(onSchedule(env, controller.cron, controller.scheduledTime));
  },
  /** The mail queue and its dead-letter queue (worker/mail). */
  async queue(batch, env) {
    await onMailBatch(batch, env);
  },
} satisfies ExportedHandler<Env>;
