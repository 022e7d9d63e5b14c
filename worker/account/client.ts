/**
 * The user's account object, addressed by user id. Its methods take the user id too (an object
 * does not know the name it was addressed by); the client owns that id and passes it on.
 */
import type { Env } from '../env';
import type { Account } from './account-growth';
import type { CreditInput, LogWrite, ReserveInput, SettleInput, TokenTruth } from './types';
import type { NotifyPrefs } from './notices';
import type { TakeBackInput } from './takeback';

export class AccountClient {
  readonly stub: DurableObjectStub<Account>;

  constructor(
    env: Env,
    readonly userId: number,
  ) {
    this.stub = env.ACCOUNT.get(env.ACCOUNT.idFromName(`user:${userId}`));
  }

  verifyToken = (tokenId: number, keyHash: string) => this.stub.verifyToken(this.userId, tokenId, keyHash);
  setUserStatus = (status: 'enabled' | 'disabled') => this.stub.setUserStatus(this.userId, status);
  syncToken = (tokenId: number, truth: TokenTruth) => this.stub.syncToken(this.userId, tokenId, truth);
  reserve = (input: ReserveInput) => this.stub.reserve(this.userId, input);
  settle = (input: SettleInput) => this.stub.settle(this.userId, input);
  release = (requestId: string, log: LogWrite | null) => this.stub.release(this.userId, requestId, log);
  credit = (input: CreditInput) => this.stub.credit(this.userId, input);
  takeBack = (input: TakeBackInput) => this.stub.takeBack(this.userId, input);
  setNotify = (prefs: NotifyPrefs) => this.stub.setNotify(this.userId, prefs);
  setTokenCap = (tokenId: number, remain: number | null) => this.stub.setTokenCap(this.userId, tokenId, remain);
  balance = () => this.stub.balance(this.userId);
  audit = () => this.stub.audit(this.userId);
  rebateNotice = (n: Parameters<Account['rebateNotice']>[1]) => this.stub.rebateNotice(this.userId, n);
  transferRebate = (units: number) => this.stub.transferRebate(this.userId, units);
  holdWithdrawal = (id: string, units: number) => this.stub.holdWithdrawal(this.userId, id, units);
  decideWithdrawal = (id: string, decision: 'approved' | 'rejected') =>
    this.stub.decideWithdrawal(this.userId, id, decision);
  rebateView = () => this.stub.rebateView(this.userId);
  buyPlan = (input: Parameters<Account['buyPlan']>[1]) => this.stub.buyPlan(this.userId, input);
  subscriptions = () => this.stub.subscriptions(this.userId);
}

export const accountOf = (env: Env, userId: number) => new AccountClient(env, userId);
