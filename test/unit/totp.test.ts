/** RFC 6238's SHA-1 test vectors (Appendix B), truncated to the 6 digits the relay uses, and the step window. */
import { describe, expect, it } from 'vitest';
import { codeAt, stepOf } from '../../worker/security/totp';

// The RFC's key "12345678901234567890" in base32.
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  it('matches the RFC test vectors (last 6 digits of the 8-digit values)', () => {
    for (const [seconds, eight] of VECTORS) expect(codeAt(SECRET, seconds * 1000)).toBe(eight.slice(2));
  });

  it('answers the time step of a code within one step of now, and null otherwise', () => {
    const now = 1111111111 * 1000;
    const step = Math.floor(now / 30_000);
    expect(stepOf(SECRET, '050471', now)).toBe(step);
    expect(stepOf(SECRET, codeAt(SECRET, now - 30_000), now)).toBe(step - 1);
    expect(stepOf(SECRET, codeAt(SECRET, now + 30_000), now)).toBe(step + 1);
    expect(stepOf(SECRET, codeAt(SECRET, now + 90_000), now)).toBeNull();
    expect(stepOf(SECRET, '05047', now)).toBeNull();
    expect(stepOf(SECRET, ' 050471', now)).toBeNull();
  });
});
