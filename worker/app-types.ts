import type { Env } from './env';
import type { SessionUser } from './api/session';

export interface AppVars {
  requestId: string;
  session?: SessionUser;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVars;
}
