// The contract's error table through the OpenAI SDK's error classes. Every refusal is
// OpenAI-shaped and charges nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import {
  RELAY_URL,
  assertErrorShape,
  balance,
  createChannel,
  createToken,
  createUser,
  expectBalance,
  expectUnchanged,
  expectedCharge,
  FAKE_USAGE,
  patchChannel,
  rejection,
  setPrice,
  setupCustomer,
  uid,
  upstreamRequests,
  adminJwt,
  ok,
} from './helpers.mjs';

const client = (key) => new OpenAI({ apiKey: key, baseURL: `${RELAY_URL}/v1`, maxRetries: 0, timeout: 20_000 });
const messages = [{ role: 'user', content: 'Say hello.' }];
const chat = (key, model, extra = {}) => client(key).chat.completions.create({ model, messages, ...extra });

/** Asserts the SDK error's class, status, code and that the raw body was OpenAI-shaped. */
function assertSdkError(err, Class, status, code) {
  assert.ok(err instanceof Class, `expected ${Class.name}, got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, status, `status (${err.message})`);
  assert.equal(err.code, code, `code (${err.message})`);
  assert.equal(typeof err.type, 'string', 'error.type');
  assert.ok(err.error?.message, 'error.message');
  assert.ok(err.headers?.get('x-request-id'), 'x-request-id on an error response');
}

describe('errors (openai SDK)', () => {
  test('401 invalid_api_key: unknown key, no key, deleted key', async () => {
    const err = await rejection(() => chat(`sk-${'x'.repeat(48)}`, 'gpt-4o-mini'));
    assertSdkError(err, AuthenticationError, 401, 'invalid_api_key');

    const res = await fetch(`${RELAY_URL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
    });
    assert.equal(res.status, 401);
    assertErrorShape(await res.json(), 'invalid_api_key');

    const { model, token, user } = await setupCustomer();
    await chat(token.key, model); // warm: the key is known and cached
    await ok('DELETE', `/api/tokens/${token.id}`, { jwt: await adminJwt() }, 204);
    const before = await balance(user.id);
    const gone = await rejection(() => chat(token.key, model));
    assertSdkError(gone, AuthenticationError, 401, 'invalid_api_key');
    await expectUnchanged(user.id, before, 300);
  });

  test('403 token_disabled on the next request after PATCH status disabled', async () => {
    const { model, token, user } = await setupCustomer();
    await chat(token.key, model);
    await ok('PATCH', `/api/tokens/${token.id}`, { jwt: await adminJwt(), body: { status: 'disabled' } }, 200);
    const before = await balance(user.id);
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, PermissionDeniedError, 403, 'token_disabled');
    await expectUnchanged(user.id, before);
  });

  test("403 model_not_allowed (checked before the model's channel and price)", async () => {
    const { model, user } = await setupCustomer();
    const token = await createToken(user.id, { models: ['some-other-model'] });
    const before = await balance(user.id);
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, PermissionDeniedError, 403, 'model_not_allowed');
    // a model without channel or price is still model_not_allowed for this key
    const err2 = await rejection(() => chat(token.key, uid('unknown-model')));
    assertSdkError(err2, PermissionDeniedError, 403, 'model_not_allowed');
    await expectUnchanged(user.id, before);
  });

  test('404 model_not_found (checked before the price)', async () => {
    const { user, token } = await setupCustomer();
    const before = await balance(user.id);
    const err = await rejection(() => chat(token.key, uid('no-channel-model')));
    assertSdkError(err, NotFoundError, 404, 'model_not_found');
    // a priced model that only another group's channel serves is not found for this key
    const model = uid('other-group-model');
    await createChannel({ models: [model], groups: ['elsewhere'] });
    await setPrice(model);
    const err2 = await rejection(() => chat(token.key, model));
    assertSdkError(err2, NotFoundError, 404, 'model_not_found');
    await expectUnchanged(user.id, before);
  });

  test('403 model_price_unset: a channel serves it but it has no price; never served for free', async () => {
    const { model, user, token, channel } = await setupCustomer({ priced: false });
    const before = await balance(user.id);
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, PermissionDeniedError, 403, 'model_price_unset');
    assert.equal((await upstreamRequests(channel.scenario)).length, 0, 'the upstream was called for an unpriced model');
    await expectUnchanged(user.id, before);
  });

  test('402 insufficient_quota: user balance, then token cap, cannot cover the reservation', async () => {
    const { model, user, token, channel } = await setupCustomer({ quota: 10 });
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, APIError, 402, 'insufficient_quota');
    await expectUnchanged(user.id, 10, 500);

    const rich = await createUser({ quota: 1_000_000 });
    const capped = await createToken(rich.id, { remain_quota: 5 });
    const err2 = await rejection(() => chat(capped.key, model));
    assertSdkError(err2, APIError, 402, 'insufficient_quota');
    await expectUnchanged(rich.id, 1_000_000);
    assert.equal((await upstreamRequests(channel.scenario)).length, 0, 'the upstream was called for a refused request');
  });

  test('429 rate_limit_exceeded with a token rpm_limit of 1, with Retry-After; the refusal charges nothing', async () => {
    const price = { model_ratio: 1 };
    const { model, user, token } = await setupCustomer({ price, token: { rpm_limit: 1 } });
    const before = await balance(user.id);
    await chat(token.key, model);
    const charge = expectedCharge(FAKE_USAGE, price);
    await expectBalance(user.id, before - charge);
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, RateLimitError, 429, 'rate_limit_exceeded');
    const retryAfter = err.headers.get('retry-after');
    assert.ok(retryAfter, 'Retry-After header missing');
    assert.match(retryAfter, /^\d+$/, 'Retry-After is whole seconds');
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
    await expectUnchanged(user.id, before - charge);
  });

  test("400 invalid_request: a non-JSON body, and a body not of the endpoint's shape", async () => {
    const { model, user, token } = await setupCustomer();
    const before = await balance(user.id);
    const res = await fetch(`${RELAY_URL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.key}` },
      body: '{"model": "x", "messages": [',
    });
    assert.equal(res.status, 400);
    assertErrorShape(await res.json(), 'invalid_request');
    assert.ok(res.headers.get('x-request-id'));

    const err = await rejection(() => client(token.key).chat.completions.create({ model, messages: 'not a list' }));
    assertSdkError(err, BadRequestError, 400, 'invalid_request');
    const err2 = await rejection(() => client(token.key).embeddings.create({ model, encoding_format: 'float' }));
    assertSdkError(err2, BadRequestError, 400, 'invalid_request');
    await expectUnchanged(user.id, before);
  });

  test('413 request_too_large for a body over MAX_BODY_BYTES (10 MiB)', async () => {
    const { model, token } = await setupCustomer();
    const big = JSON.stringify({ model, messages: [{ role: 'user', content: 'a'.repeat(10 * 1024 * 1024 + 100) }] });
    const res = await fetch(`${RELAY_URL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.key}` },
      body: big,
    });
    assert.equal(res.status, 413);
    assertErrorShape(await res.json(), 'request_too_large');
  });

  test('502 upstream_error when the only channel answers 500', async () => {
    const { model, user, token, channel } = await setupCustomer({
      channels: [{ mode: { mode: 'error', status: 500, message: 'boom' } }],
    });
    const before = await balance(user.id);
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, InternalServerError, 502, 'upstream_error');
    assert.equal((await upstreamRequests(channel.scenario)).length, 1, 'one channel, one attempt');
    await expectUnchanged(user.id, before);
  });

  test('503 no_available_channel when every channel for the model is disabled', async () => {
    const { model, user, token, channels } = await setupCustomer({ channels: [{}, {}] });
    for (const ch of channels) await patchChannel(ch.id, { status: 'disabled' });
    const before = await balance(user.id);
    const err = await rejection(() => chat(token.key, model));
    assertSdkError(err, InternalServerError, 503, 'no_available_channel');
    for (const ch of channels)
      assert.equal((await upstreamRequests(ch.scenario)).length, 0, 'a disabled channel was called');
    await expectUnchanged(user.id, before);
  });
});
