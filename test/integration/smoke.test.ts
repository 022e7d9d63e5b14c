import { describe, expect, it } from 'vitest';
import { call, chatBody, rootJwt, setupCustomer, waitFor } from '../helpers';

describe('smoke', () => {
  it('logs in as root and relays a chat call', async () => {
    const jwt = await rootJwt();
    expect(jwt).toBeTruthy();
    const { token, model, user } = await setupCustomer();
    const res = await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('x-quota-charged')).toBe('15');
    const logs = await waitFor(async () => {
      const r = await call<{ items: unknown[] }>('GET', '/api/logs', { jwt: user.jwt });
      return r.body.items.length > 0 ? r.body.items : null;
    });
    expect(logs).toHaveLength(1);
  });
});
