import { buildApp } from './app';
import type { Env } from './env';
import { onSchedule } from './maintenance';

export { TokenGate } from './gate/token-gate';
export { Account } from './account/account';
export { ChannelHealth } from './health/channel-health';

const app = buildApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(onSchedule(env, controller.cron, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
