/** The common reading of an upstream's error answer, for providers with no rule of their own (Provider.classify). */
import type { ErrorVerdict } from './types';

const KEY_DEAD =
  /invalid[_ ]api[_ ]key|incorrect api key|invalid x-api-key|api key not valid|insufficient_quota|billing|credit balance|quota exceeded|account (is )?(deactivated|suspended|disabled)|permission_denied|authentication_error/i;
const ABOUT_KEY = /api[_ -]?key|\bkey\b|account|organi[sz]ation|authenticat|permission|billing|credit|quota/i;
const ABOUT_QUOTA = /insufficient_quota|quota|billing|credit balance|exceeded your current/i;

/**
 * What an upstream error status means. Only answers that speak about the channel count against
 * its health: 401, 402, a 403 about the key, a 429 about quota, 5xx (and, in `attempt`, timeouts
 * and resets). A 400 or 422 is about the request whatever its text says; anything else fails over
 * to another channel without counting.
 */
export function classifyUpstreamError(status: number, body: string): ErrorVerdict {
  if (status === 400 || status === 422) return { passBack: true, counts: false, keyDead: false };
  if (status === 401 || status === 402) return { passBack: false, counts: true, keyDead: true };
  if (status === 403) {
    const aboutKey = ABOUT_KEY.test(body);
    return { passBack: false, counts: aboutKey, keyDead: aboutKey && KEY_DEAD.test(body) };
  }
  if (status === 429) {
    const quota = ABOUT_QUOTA.test(body);
    return { passBack: false, counts: quota, keyDead: quota };
  }
  if (status >= 500) return { passBack: false, counts: true, keyDead: false };
  return { passBack: false, counts: false, keyDead: false };
}
