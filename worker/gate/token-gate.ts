import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { SlidingWindow } from './window';
import type { AdmitInput, AdmitResult, RateInfo } from './types';

interface Admission {
  at: number;
}

/** In-flight requests older than this are taken to have died without reporting back. */
const IN_FLIGHT_TTL_MS = 10 * 60_000;

/**
 * One per token: its rate limits and concurrency. Windows live in memory and have a constant
 * size whatever the rate. Only keys with limits (their own or their group's) come here.
 */
export class TokenGate extends DurableObject<Env> {
  private readonly requests = new SlidingWindow();
  private readonly tokens = new SlidingWindow();
  private readonly inFlight = new Map<string, Admission>();

  async admit(input: AdmitInput): Promise<AdmitResult> {
    const now = Date.now();

    this.expireInFlight(now);
    const used = this.requests.total(now);
    const tokensUsed = this.tokens.total(now);
    if (input.rpmLimit !== null && used >= input.rpmLimit) {
      const retryAfter = this.requests.secondsUntilBelow(now, input.rpmLimit);
      return {
        ok: false,
        reason: 'rate',
        retryAfter,
        message: `rate limit reached: ${input.rpmLimit} requests per minute`,
        rate: this.rateInfo(input, now, used, tokensUsed, retryAfter),
      };
    }
    if (input.tpmLimit !== null && tokensUsed >= input.tpmLimit) {
      const retryAfter = this.tokens.secondsUntilBelow(now, input.tpmLimit);
      return {
        ok: false,
        reason: 'rate',
        retryAfter,
        message: `rate limit reached: ${input.tpmLimit} tokens per minute`,
        rate: this.rateInfo(input, now, used, tokensUsed, retryAfter),
      };
    }
    if (input.maxConcurrency !== null && this.inFlight.size >= input.maxConcurrency) {
      return {
        ok: false,
        reason: 'rate',
        retryAfter: 1,
        message: `concurrency limit reached: ${input.maxConcurrency} requests at once`,
        rate: this.rateInfo(input, now, used, tokensUsed, 1),
      };
    }
    this.requests.add(now, 1);
    // In-flight requests are only tracked where a concurrency cap needs them.
    if (input.maxConcurrency !== null) this.inFlight.set(input.requestId, { at: now });
    return { ok: true, rate: this.rateInfo(input, now, used + 1, tokensUsed, 60) };
  }

  /** The request ended; its tokens count toward TPM. */
  async finish(requestId: string, tokens: number): Promise<void> {
    this.inFlight.delete(requestId);
    if (tokens > 0) this.tokens.add(Date.now(), tokens);
  }

  /** The request was refused after admission (402 and the like): it does not count. */
  async cancel(requestId: string, admittedAt: number): Promise<void> {
    this.inFlight.delete(requestId);
    this.requests.remove(admittedAt, 1);
  }

  private expireInFlight(now: number): void {
    for (const [id, a] of this.inFlight) if (now - a.at > IN_FLIGHT_TTL_MS) this.inFlight.delete(id);
  }

  private rateInfo(input: AdmitInput, _now: number, used: number, tokensUsed: number, resetSeconds: number): RateInfo {
    return {
      rpmLimit: input.rpmLimit,
      rpmRemaining: input.rpmLimit === null ? null : Math.max(0, input.rpmLimit - used),
      tpmLimit: input.tpmLimit,
      tpmRemaining: input.tpmLimit === null ? null : Math.max(0, input.tpmLimit - tokensUsed),
      resetSeconds,
    };
  }
}
