import { describe, expect, it } from 'vitest';
import { linkBaseOf } from '../../worker/mail/base';

describe('the base of links in mails', () => {
  it('is PUBLIC_BASE_URL whatever the request says', () => {
    expect(linkBaseOf('https://relay.example.com', 'https://evil.example/api/auth/password-reset')).toBe(
      'https://relay.example.com',
    );
    expect(linkBaseOf('https://relay.example.com/', 'http://localhost:8787/')).toBe('https://relay.example.com');
  });

  it("without it, is the request's origin only for a local relay", () => {
    expect(linkBaseOf(undefined, 'https://evil.example/api/auth/password-reset')).toBeNull();
    expect(linkBaseOf(undefined, 'http://relay.example.com.evil.example/x')).toBeNull();
    expect(linkBaseOf(undefined, 'http://localhost.evil.example:8787/x')).toBeNull();
    expect(linkBaseOf(undefined, 'http://localhost:8787/api/auth/register')).toBe('http://localhost:8787');
    expect(linkBaseOf(undefined, 'http://127.0.0.1:8787/x')).toBe('http://127.0.0.1:8787');
    expect(linkBaseOf(undefined, 'http://[::1]:8787/x')).toBe('http://[::1]:8787');
  });
});
