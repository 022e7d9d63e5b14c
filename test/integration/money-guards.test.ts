/**
 * Guards that no other test could fail without: each test here was seen to fail with its bug
 * planted in the product code (see the commit messages).
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  BASE,
  call,
  chatBody,
  createUser,
  rootJwt,
  setupCustomer,
  upstreamMode,
  upstreamRequests,
  waitFor,
} from '../helpers';
import { balance, logFor, type Err, type LogItem } from '../support/relay';
import { epayNotice, deliverEpay, newOrder, openEpayPage, refusedTotal } from '../support/payments';
import { accountOf } from '../../worker/account/client';
import type { HoldPlan } from '../../worker/billing/hold';
import type { OrderView } from '../../worker/api/topup';
import { sha256Hex } from '../../worker/lib/crypto';
import { OPENAI_IMAGE_MAX_TOKENS } from '../../worker/relay/media-tokens';

const balanceOf = async (admin: string, id: number) =>
  (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt: admin })).body.quota;
const orderOf = async (jwt: string, no: string) =>
  (await call<OrderView>('GET', `/api/topup/orders/${no}`, { jwt })).body;
const post = (path: string, key: string, body: unknown, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('the hold counts Responses images', () => {
  it('holds an http input_image at the worst case of the tile rule, so the allowance sent is what is left', async () => {
    const { token, model, channel } = await setupCustomer({ quota: 2000, price: { model_ratio: 1 } });
    const input = [
      {
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'https://example.com/cat.png' },
          { type: 'input_text', text: 'What is it?' },
        ],
      },
    ];
    const res = await post('/v1/responses', token.key, { model, input, max_output_tokens: 1000 });
    expect(res.status).toBe(200);
    const [sent] = await upstreamRequests(channel.scenario);
    // 2,000 units less an image of up to 1,445 tokens leave well under the 1,000 asked for
    expect(sent.body?.max_output_tokens as number).toBeLessThanOrEqual(2000 - OPENAI_IMAGE_MAX_TOKENS);
    expect(sent.body?.max_output_tokens as number).toBeGreaterThanOrEqual(16);
  });
});

describe("the account object decides revocation, whatever the caller's token record says", () => {
  const plan = (): HoldPlan => ({
    price: { model: 'm', modelRatio: 1, completionRatio: 1, cacheRatio: 1, pricePerCall: null, maxOutputTokens: null },
    groupRatio: 1,
    promptTokens: 10,
    choices: 1,
    wanted: 16,
    min: 16,
  });
  const reserveWith = (userId: number, tokenId: number, keyHash: string) =>
    // straight to the object, as the relay calls it: no snapshot on the way
    accountOf(env, userId).reserve({ tokenId, keyHash, requestId: crypto.randomUUID(), plan: plan() });

  it('refuses a rotated, a disabled and a deleted key to a caller still holding the old record', async () => {
    const admin = await rootJwt();
    const { user, token, model } = await setupCustomer();
    expect((await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) })).status).toBe(200);
    const oldHash = await sha256Hex(token.key);
    expect(await reserveWith(user.id, token.id, oldHash)).toMatchObject({ ok: true });

    const rotated = await call<{ key: string }>('POST', `/api/tokens/${token.id}/rotate`, { jwt: user.jwt });
    expect(await reserveWith(user.id, token.id, oldHash)).toEqual({ ok: false, reason: 'deleted' });
    const newHash = await sha256Hex(rotated.body.key);
    expect(await reserveWith(user.id, token.id, newHash)).toMatchObject({ ok: true });

    await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'disabled' } });
    expect(await reserveWith(user.id, token.id, newHash)).toEqual({ ok: false, reason: 'disabled' });
    await call('PATCH', `/api/tokens/${token.id}`, { jwt: user.jwt, body: { status: 'enabled' } });
    await call('PATCH', `/api/users/${user.id}`, { jwt: admin, body: { status: 'disabled' } });
    expect(await reserveWith(user.id, token.id, newHash)).toEqual({ ok: false, reason: 'disabled' });
    await call('PATCH', `/api/users/${user.id}`, { jwt: admin, body: { status: 'enabled' } });
    expect(await reserveWith(user.id, token.id, newHash)).toMatchObject({ ok: true });

    await call('DELETE', `/api/tokens/${token.id}`, { jwt: user.jwt });
    expect(await reserveWith(user.id, token.id, newHash)).toEqual({ ok: false, reason: 'deleted' });
  });
});

describe('Epay notices', () => {
  it('refuses a notice with no signature, or an empty one, and credits nothing', async () => {
    const admin = await rootJwt();
    const user = await createUser(admin, { quota: 0 });
    const order = await newOrder(user.jwt, { amount: 30, method: 'epay' });
    await openEpayPage(order.pay_url ?? '');
    const before = await refusedTotal(admin, 'epay');
    const { sign: _sign, sign_type: _type, ...unsigned } = await epayNotice(order.order_no);
    expect((await deliverEpay(unsigned)).text).not.toBe('success');
    expect((await deliverEpay({ ...unsigned, sign: '', sign_type: 'MD5' })).text).not.toBe('success');
    expect(await balanceOf(admin, user.id)).toBe(0);
    expect((await orderOf(user.jwt, order.order_no)).status).toBe('pending');
    expect((await refusedTotal(admin, 'epay')) - before).toBe(2);
    // the same notice, signed, is taken: the refusals were for the signature alone
    expect((await deliverEpay(await epayNotice(order.order_no))).text).toBe('success');
    expect(await balanceOf(admin, user.id)).toBe(order.credit);
  });
});

describe('the hold includes the completion allowance for token-priced models', () => {
  it('concurrent calls whose completions together exceed the balance: none capped, charges within the balance', async () => {
    // each call: about 11 prompt tokens and 16 completion tokens at a completion ratio of 10, about 171 units
    const { user, token, model, channel } = await setupCustomer({
      quota: 1000,
      price: { model_ratio: 1, completion_ratio: 10 },
    });
    await upstreamMode(channel.scenario, 'delay', {
      first_byte_ms: 300,
      usage: { prompt_tokens: 10, completion_tokens: 16 },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/v1/chat/completions', token.key, chatBody(model, { max_tokens: 16 })).then(async (r) => {
          await r.text();
          return r.status;
        }),
      ),
    );
    const served = results.filter((s) => s === 200).length;
    expect(served).toBeGreaterThanOrEqual(1);
    expect(served).toBeLessThanOrEqual(5);
    expect(results.filter((s) => s === 402)).toHaveLength(20 - served);
    const rows = await waitFor(async () => {
      const r = await call<{ items: LogItem[] }>('GET', '/api/logs?limit=100', { jwt: user.jwt });
      return r.body.items.length >= 20 ? r.body.items : undefined;
    }, 10_000);
    expect(rows.filter((r) => r.capped)).toEqual([]);
    const charged = rows.reduce((s, r) => s + r.quota, 0);
    expect(charged).toBe(served * 170);
    expect(charged).toBeLessThanOrEqual(1000);
    expect(await balance(user.jwt, user.id)).toBe(1000 - charged);
  });
});

describe('Anthropic prompt caching', () => {
  it('counts cache_creation_input_tokens in the prompt, streamed and not', async () => {
    const { user, token, model, channel } = await setupCustomer({
      channel: { type: 'anthropic' },
      price: { model_ratio: 1, cache_ratio: 0.1 },
    });
    await upstreamMode(channel.scenario, 'ok', {
      usage: { prompt_tokens: 50, completion_tokens: 5, cached_tokens: 200, cache_creation_tokens: 1000 },
    });
    const body = { model, max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] };
    for (const stream of [false, true]) {
      const res = await post('/v1/messages', token.key, { ...body, stream }, { 'x-api-key': token.key });
      expect(res.status).toBe(200);
      await res.text();
      // P = 50 + 200 + 1000, K = 200: 1250 - 200 + 200 * 0.1 + 5 = 1075
      const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
      expect(row).toMatchObject({ prompt_tokens: 1250, cached_tokens: 200, completion_tokens: 5, quota: 1075 });
    }
  });
});

describe('the IP allow-list', () => {
  it('reads the caller from CF-Connecting-IP, never from a forged X-Forwarded-For', async () => {
    const { user, model } = await setupCustomer();
    const { key } = (
      await call<{ key: string }>('POST', '/api/tokens', {
        jwt: user.jwt,
        body: { name: 'ip-key', allow_ips: ['198.51.100.0/24'] },
      })
    ).body;
    const from = (cf: string, forwarded: string) =>
      call<Err>('POST', '/v1/chat/completions', {
        key,
        body: chatBody(model),
        headers: { 'cf-connecting-ip': cf, 'x-forwarded-for': forwarded, 'x-real-ip': forwarded },
      });
    const forged = await from('203.0.113.1', '198.51.100.20');
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('ip_not_allowed');
    expect((await from('198.51.100.20', '203.0.113.1')).status).toBe(200);
  });
});
