/** A session's pin object, addressed by the session's hash and the model (caches are per model). */
import type { Env } from '../env';
import type { SessionPins } from './session-pins';
import { PIN_CACHE_MS, SESSION_TTL_MS, type Pin } from './types';

export class PinClient {
  private readonly stub: DurableObjectStub<SessionPins>;

  constructor(env: Env, sessionHash: string, model: string) {
    this.stub = env.SESSION_PINS.get(env.SESSION_PINS.idFromName(`session:${sessionHash}:${model}`));
  }

  // An isolate may serve from its copy for PIN_CACHE_MS after renewing: the hour counts from the last call.
  claim = (proposal: Pin): Promise<Pin> => this.stub.claim(proposal, SESSION_TTL_MS + PIN_CACHE_MS);
  move = (from: Pin, to: Pin): Promise<Pin> => this.stub.move(from, to, SESSION_TTL_MS + PIN_CACHE_MS);
}

export const pinsOf = (env: Env, sessionHash: string, model: string) => new PinClient(env, sessionHash, model);
