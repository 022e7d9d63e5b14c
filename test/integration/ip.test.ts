import { describe, expect, it } from 'vitest';
import { call, chatBody, setupCustomer, waitFor } from '../helpers';
import type { LogItem } from '../support/relay';

describe('IPs a key is used from', () => {
  it('marks the first request from each IP a key has never used before', async () => {
    const { user, token, model } = await setupCustomer();
    const from = async (ip: string) => {
      const res = await call('POST', '/v1/chat/completions', {
        key: token.key,
        body: chatBody(model),
        headers: { 'cf-connecting-ip': ip },
      });
      return waitFor(async () => {
        const r = await call<{ items: (LogItem & { ip_first_seen: boolean })[] }>(
          'GET',
          `/api/logs?token_id=${token.id}`,
          { jwt: user.jwt },
        );
        return r.body.items.find((x) => x.request_id === res.headers.get('x-request-id'));
      });
    };
    expect((await from('198.51.100.1')).ip_first_seen).toBe(true);
    expect((await from('198.51.100.1')).ip_first_seen).toBe(false);
    expect((await from('2001:db8::7')).ip_first_seen).toBe(true);
    const all = await call<{ items: { ip_first_seen: boolean }[] }>('GET', `/api/logs?token_id=${token.id}`, {
      jwt: user.jwt,
    });
    expect(all.body.items.map((x) => x.ip_first_seen)).toEqual([true, false, true]);
  });
});
