import type { Env } from './env';
import type { SessionUser } from './auth/session-user';

export interface AppVars {
  requestId: string;
  session?: SessionUser;
  /** The model and streaming a Gemini endpoint's URL names (`/v1beta/models/{model}:streamGenerateContent`). */
  pathCall?: { model: string; stream: boolean };
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVars;
}
