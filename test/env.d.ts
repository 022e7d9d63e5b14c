import 'vitest';
import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../worker/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      UPSTREAM_URL: string;
      SMTP_CONTROL_URL: string;
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    upstreamUrl: string;
    paymentsUrl: string;
    smtpUrl: string;
    smtpControlUrl: string;
    turnstileUrl: string;
    priceSourceUrl: string;
  }
}
