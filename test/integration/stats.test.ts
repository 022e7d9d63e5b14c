import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, chatBody, setupCustomer, waitFor } from '../helpers';

async function logCount(userId: number): Promise<number> {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM logs WHERE user_id = ?').bind(userId).first<{ n: number }>())!
    .n;
}

describe('stats', () => {
  it('answers one row per minute of the range, zeros included', async () => {
    const { user, token, model } = await setupCustomer({ price: { model_ratio: 2 } });
    for (let i = 0; i < 2; i++) await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitFor(async () => (await logCount(user.id)) === 2);
    const rows = (
      await call<{ minute: string; requests: number; tokens: number; quota: number }[]>(
        'GET',
        `/api/stats/rpm?minutes=10&token_id=${token.id}`,
        { jwt: user.jwt },
      )
    ).body;
    expect(rows).toHaveLength(10);
    expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(2);
    expect(rows.reduce((s, r) => s + r.tokens, 0)).toBe(30);
    expect(rows.reduce((s, r) => s + r.quota, 0)).toBe(60);
    expect(rows.filter((r) => r.requests === 0).length).toBeGreaterThanOrEqual(8);
    expect(new Date(rows[9].minute).getTime()).toBeGreaterThan(new Date(rows[0].minute).getTime());
  });
});
