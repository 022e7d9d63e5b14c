/**
 * Every answer matches the schema its route declares (the same zod schemas that produce
 * /api/openapi.json), so the documented shapes are the real ones. Tests elsewhere import these
 * schemas' types rather than re-declaring the shapes.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AuditItem } from '../../worker/api/audit';
import { ChannelView } from '../../worker/api/channels';
import { EventView } from '../../worker/api/events';
import { listOf, pageOf } from '../../worker/api/fields';
import { LogView } from '../../worker/api/logs';
import { RunView } from '../../worker/api/maintenance';
import { OptionsView } from '../../worker/site/options';
import { PricingChangeView, PricingView } from '../../worker/api/pricing';
import { CodeView } from '../../worker/api/redemptions';
import { DayStat, MinuteStat } from '../../worker/api/stats';
import { NewTokenView, TokenView } from '../../worker/api/tokens';
import { OrderView, QuoteView } from '../../worker/api/topup';
import { LedgerItem, UserView } from '../../worker/api/users';
import { call, chatBody, setupCustomer, waitFor } from '../helpers';
import { newOrder } from '../support/payments';

async function expectShape(
  schema: z.ZodType,
  path: string,
  jwt: string,
  method = 'GET',
  body?: unknown,
): Promise<void> {
  const res = await call<unknown>(method, path, { jwt, body });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  const parsed = schema.safeParse(res.body);
  expect(
    parsed.success ? [] : parsed.error.issues.map((i) => `${method} ${path}: ${i.path.join('.')}: ${i.message}`),
  ).toEqual([]);
}

describe('answers match their declared schemas', () => {
  it('for the customer and the operator, on every read and the main writes', async () => {
    const { admin, user, token, model } = await setupCustomer({ price: { model_ratio: 2 } });
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitFor(
      async () => (await call<{ items: unknown[] }>('GET', '/api/logs', { jwt: user.jwt })).body.items.length > 0,
    );
    const order = await newOrder(user.jwt, { amount: 20, method: 'epay' });
    await call('POST', '/api/redemptions', { jwt: admin, body: { count: 1, quota: 100 } });
    await call('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['expiry'] } });

    await expectShape(UserView, '/api/auth/me', user.jwt);
    await expectShape(UserView, `/api/users/${user.id}`, admin);
    await expectShape(listOf(UserView), '/api/users', admin);
    await expectShape(pageOf(LedgerItem), `/api/users/${user.id}/ledger`, admin);
    await expectShape(listOf(TokenView), '/api/tokens', user.jwt);
    await expectShape(TokenView, `/api/tokens/${token.id}`, user.jwt);
    await expectShape(NewTokenView, '/api/tokens', user.jwt, 'POST', { name: 'shape' });
    await expectShape(listOf(ChannelView), '/api/channels', admin);
    await expectShape(PricingView, '/api/pricing', user.jwt);
    await expectShape(listOf(PricingChangeView), '/api/pricing/history', admin);
    await expectShape(pageOf(LogView), '/api/logs', user.jwt);
    await expectShape(pageOf(LogView), '/api/logs', admin);
    await expectShape(MinuteStat.array(), '/api/stats/rpm?minutes=5', user.jwt);
    await expectShape(DayStat.array(), '/api/stats/usage?days=2', user.jwt);
    await expectShape(OptionsView, '/api/options', user.jwt);
    await expectShape(listOf(EventView), '/api/events', admin);
    await expectShape(listOf(RunView), '/api/maintenance/runs', admin);
    await expectShape(QuoteView, '/api/topup/quote?amount=20', user.jwt);
    await expectShape(pageOf(OrderView), '/api/topup/orders', user.jwt);
    await expectShape(OrderView, `/api/topup/orders/${order.order_no}`, user.jwt);
    await expectShape(pageOf(CodeView), '/api/redemptions', admin);
    await expectShape(pageOf(AuditItem), '/api/audit', admin);
  });
});
