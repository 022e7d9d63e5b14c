/** A key's gate (rate and concurrency limits), addressed by token id, which the client passes on. */
import type { Env } from '../env';
import type { TokenGate } from './token-gate';
import type { AdmitInput } from './types';

export class GateClient {
  private readonly stub: DurableObjectStub<TokenGate>;

  constructor(
    env: Env,
    readonly tokenId: number,
  ) {
    this.stub = env.TOKEN_GATE.get(env.TOKEN_GATE.idFromName(`token:${tokenId}`));
  }

  admit = (input: Omit<AdmitInput, 'tokenId'>) => this.stub.admit({ ...input, tokenId: this.tokenId });
  finish = (requestId: string, tokens: number) => this.stub.finish(requestId, tokens);
  cancel = (requestId: string, admittedAt: number) => this.stub.cancel(requestId, admittedAt);
}

export const gateOf = (env: Env, tokenId: number) => new GateClient(env, tokenId);
