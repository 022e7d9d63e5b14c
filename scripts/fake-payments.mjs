/**
 * Local stand-ins for the two payment gateways, speaking their real protocols:
 *
 * - Stripe at the server's root: `POST /v1/checkout/sessions` (form-encoded, as the official
 *   library sends it) and `GET /v1/checkout/sessions/:id`. Paying a session makes a
 *   `checkout.session.completed` event signed with the official library's own test helper
 *   (`stripe.webhooks.generateTestHeaderStringAsync`), so the relay verifies a real signature.
 * - Epay under `/epay`: `submit.php` checks the merchant's MD5 signature and shows a payment
 *   page, `api.php?act=order` answers an order's state, and paying sends the signed notice.
 *
 * Tests drive them through `/__stripe/*` and `/__epay/*`: pay, sign, and (for the e2e and browser
 * suites, where the relay is reachable over loopback) deliver. Only loopback is ever contacted.
 */
import http from 'node:http';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

export const FAKE_STRIPE = { secretKey: 'sk_test_fake_relay', webhookSecret: 'whsec_fake_relay_secret' };
export const FAKE_EPAY = { pid: '1001', key: 'epay-merchant-key-for-tests' };

const stripeLib = new Stripe(FAKE_STRIPE.secretKey);

/** Epay's signature: MD5 of the sorted non-empty parameters (not sign, sign_type), then the key. */
export function epaySign(params, key = FAKE_EPAY.key) {
  const text = Object.keys(params)
    .filter(
      (k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '' && params[k] !== undefined && params[k] !== null,
    )
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return crypto
    .createHash('md5')
    .update(text + key)
    .digest('hex');
}

/** Turns `a[b][0][c]=x` form keys into nested objects and arrays, as Stripe's API reads them. */
function parseStripeForm(body) {
  const out = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(path[i + 1]) ? [] : {};
    });
  }
  return out;
}

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Stripe's own currency table (copied from its docs into the relay: worker/payments/stripe-currencies.json). */
const CURRENCIES = JSON.parse(
  readFileSync(new URL('../worker/payments/stripe-currencies.json', import.meta.url), 'utf8'),
);

/** What Stripe refuses in a Checkout Session: a currency it does not take, a three-decimal amount not ending in 0, expires_at outside 30 min..24 h. */
function checkSessionParams(form, item, amount) {
  const currency = String(item?.price_data?.currency ?? '');
  const param = 'line_items[0][price_data][currency]';
  if (!CURRENCIES.presentment.includes(currency)) return { message: `Invalid currency: ${currency}.`, param };
  if (CURRENCIES.three_decimal.currencies.includes(currency) && amount % 10 !== 0) {
    return {
      message: 'Amounts in three-decimal currencies must end in 0.',
      param: 'line_items[0][price_data][unit_amount]',
    };
  }
  if (form.expires_at !== undefined) {
    const left = Number(form.expires_at) - Date.now() / 1000;
    if (!Number.isInteger(Number(form.expires_at)) || left < 30 * 60 - 5 || left > 24 * 3600 + 5) {
      return {
        message:
          'The `expires_at` timestamp must be at least 30 minutes and at most 24 hours from Checkout Session creation.',
        param: 'expires_at',
      };
    }
  }
  return null;
}

const stripeError = (res, status, message, param) =>
  send(res, status, { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } });

const loopbackOnly = (url) => {
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
    throw new Error(`refusing to deliver to ${u.hostname}: loopback only`);
  return u;
};

export async function startFakePayments({ port = 0 } = {}) {
  /** Stripe sessions by id. */
  const sessions = new Map();
  /** Epay orders by out_trade_no, as submitted. */
  const epayOrders = new Map();
  const requests = [];
  let base = '';

  /** The form each session was created with, as the relay sent it. */
  const params = new Map();

  function sessionOut(s) {
    const { charge: _charge, amount_refunded: _refunded, ...out } = s;
    return out;
  }

  function newSession(form, item, amount) {
    const id = `cs_test_${crypto.randomBytes(16).toString('hex')}`;
    const session = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      livemode: false,
      amount_total: amount * Number(item.quantity ?? 1),
      amount_subtotal: amount * Number(item.quantity ?? 1),
      currency: item.price_data.currency,
      client_reference_id: form.client_reference_id ?? null,
      metadata: form.metadata ?? {},
      payment_intent: null,
      expires_at: form.expires_at === undefined ? Math.floor(Date.now() / 1000) + 86400 : Number(form.expires_at),
      success_url: form.success_url,
      cancel_url: form.cancel_url ?? null,
      url: `${base}/stripe/pay/${id}`,
      created: Math.floor(Date.now() / 1000),
    };
    sessions.set(id, session);
    return session;
  }

  async function stripeEvent(
    object,
    { type = 'checkout.session.completed', timestamp, secret = FAKE_STRIPE.webhookSecret } = {},
  ) {
    const event = {
      id: `evt_${crypto.randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: object.object === 'checkout.session' ? sessionOut(object) : object },
    };
    const payload = JSON.stringify(event);
    const signature = await stripeLib.webhooks.generateTestHeaderStringAsync({
      payload,
      secret,
      ...(timestamp ? { timestamp } : {}),
    });
    return { payload, signature };
  }

  async function deliverStripe(url, signed) {
    const res = await fetch(loopbackOnly(url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
      body: signed.payload,
    });
    return { status: res.status, body: await res.text() };
  }

  function epayNotice(order, overrides = {}) {
    const params = {
      pid: FAKE_EPAY.pid,
      trade_no: order.trade_no,
      out_trade_no: order.out_trade_no,
      type: order.type,
      name: order.name,
      money: order.money,
      trade_status: 'TRADE_SUCCESS',
      ...overrides,
    };
    const key = overrides.__key ?? FAKE_EPAY.key;
    delete params.__key;
    return { ...params, sign: epaySign(params, key), sign_type: 'MD5' };
  }

  async function deliverEpay(order, params) {
    const url = loopbackOnly(order.notify_url);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  }

  async function handleStripe(req, res, url) {
    if (req.headers.authorization !== `Bearer ${FAKE_STRIPE.secretKey}`)
      return stripeError(res, 401, 'Invalid API Key provided');
    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const form = parseStripeForm(await readBody(req));
      const item = form.line_items?.[0];
      const amount = Number(item?.price_data?.unit_amount);
      if (form.mode !== 'payment') return stripeError(res, 400, 'mode must be payment', 'mode');
      if (!Number.isInteger(amount) || amount < 1)
        return stripeError(res, 400, 'Invalid integer', 'line_items[0][price_data][unit_amount]');
      if (!form.success_url) return stripeError(res, 400, 'Missing required param: success_url.', 'success_url');
      const refusal = checkSessionParams(form, item, amount);
      if (refusal) return stripeError(res, 400, refusal.message, refusal.param);
      const session = newSession(form, item, amount);
      params.set(session.id, form);
      return send(res, 200, session);
    }
    const m = url.pathname.match(/^\/v1\/checkout\/sessions\/([\w-]+)$/);
    if (req.method === 'GET' && m) {
      const s = sessions.get(m[1]);
      return s ? send(res, 200, sessionOut(s)) : stripeError(res, 404, `No such checkout.session: '${m[1]}'`);
    }
    return stripeError(res, 404, `Unrecognized request URL (${req.method}: ${url.pathname})`);
  }

  /** Marks a session paid (optionally with another amount, to test the check) and answers its signed event. */
  async function payStripe(id, { amount_total, timestamp, secret, deliver_to } = {}) {
    const s = sessions.get(id);
    if (!s) return null;
    s.status = 'complete';
    s.payment_status = 'paid';
    s.payment_intent = s.payment_intent ?? `pi_${crypto.randomBytes(12).toString('hex')}`;
    s.charge = s.charge ?? `ch_${crypto.randomBytes(12).toString('hex')}`;
    const event = await stripeEvent(amount_total === undefined ? s : { ...s, amount_total }, { timestamp, secret });
    const delivery = deliver_to ? await deliverStripe(deliver_to, event) : null;
    return { ...event, session: s, delivery };
  }

  /** Refunds `amount` more of the session's charge (all of what is left by default); answers the charge, as charge.refunded carries it. */
  function refundCharge(s, amount) {
    const left = s.amount_total - (s.amount_refunded ?? 0);
    s.amount_refunded = (s.amount_refunded ?? 0) + Math.min(left, amount ?? left);
    return {
      id: s.charge,
      object: 'charge',
      amount: s.amount_total,
      amount_captured: s.amount_total,
      amount_refunded: s.amount_refunded,
      currency: s.currency,
      paid: true,
      captured: true,
      refunded: s.amount_refunded === s.amount_total,
      payment_intent: s.payment_intent,
      metadata: {},
      status: 'succeeded',
    };
  }

  function disputeCharge(s, amount) {
    return {
      id: `dp_${crypto.randomBytes(12).toString('hex')}`,
      object: 'dispute',
      amount: amount ?? s.amount_total,
      currency: s.currency,
      charge: s.charge,
      payment_intent: s.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      metadata: {},
    };
  }

  async function handleEpay(req, res, url) {
    const q = Object.fromEntries(url.searchParams);
    if (url.pathname === '/epay/submit.php') {
      const params =
        req.method === 'POST' ? { ...q, ...Object.fromEntries(new URLSearchParams(await readBody(req))) } : q;
      if (params.pid !== FAKE_EPAY.pid) return send(res, 400, 'unknown merchant', 'text/plain');
      if (!params.sign || params.sign !== epaySign(params)) return send(res, 400, 'signature error', 'text/plain');
      const order = epayOrders.get(params.out_trade_no) ?? {
        ...params,
        trade_no: `${Date.now()}${crypto.randomInt(1e6)}`,
        status: 0,
      };
      epayOrders.set(params.out_trade_no, order);
      return send(res, 200, payPage(order), 'text/html; charset=utf-8');
    }
    if (url.pathname === '/epay/pay' && req.method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
      const order = epayOrders.get(form.out_trade_no);
      if (!order) return send(res, 404, 'no such order', 'text/plain');
      order.status = 1;
      // Like a real gateway: the notice goes out, and the customer is sent back whether or not it was heard.
      const delivery = await deliverEpay(order, epayNotice(order)).catch((err) => ({ status: 0, body: String(err) }));
      order.deliveries = [...(order.deliveries ?? []), delivery];
      res.writeHead(302, { location: order.return_url });
      return res.end();
    }
    if (url.pathname === '/epay/api.php' && q.act === 'order') {
      if (q.pid !== FAKE_EPAY.pid || q.key !== FAKE_EPAY.key)
        return send(res, 200, { code: -1, msg: 'merchant check failed' });
      const order = epayOrders.get(q.out_trade_no);
      if (!order) return send(res, 200, { code: -1, msg: 'order not found' });
      return send(res, 200, {
        code: 1,
        msg: 'ok',
        trade_no: order.trade_no,
        out_trade_no: order.out_trade_no,
        type: order.type,
        pid: order.pid,
        money: order.money,
        status: order.status,
      });
    }
    return send(res, 404, 'not found', 'text/plain');
  }

  const payPage = (o) => `<!doctype html><meta charset="utf-8"><title>Fake Epay</title>
<h1>Fake Epay cashier</h1><p data-testid="epay-order">${escapeHtml(o.out_trade_no)}</p><p data-testid="epay-money">${escapeHtml(o.money)}</p>
<form method="post" action="/epay/pay"><input type="hidden" name="out_trade_no" value="${escapeHtml(o.out_trade_no)}"><button data-testid="epay-pay">Pay ${escapeHtml(o.money)}</button></form>`;

  /** The test controls. */
  async function handleControl(req, res, url) {
    const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
    if (url.pathname === '/__stripe/pay') {
      const id = body.id ?? [...sessions.values()].find((s) => s.client_reference_id === body.order_no)?.id;
      const out = id ? await payStripe(id, body) : null;
      return out ? send(res, 200, out) : send(res, 404, { error: 'no such session' });
    }
    if (url.pathname === '/__stripe/session') {
      // The session made for an order, with the parameters the relay sent.
      const s = body.id
        ? sessions.get(body.id)
        : [...sessions.values()].filter((x) => x.client_reference_id === body.order_no).at(0);
      return s
        ? send(res, 200, { session: sessionOut(s), params: params.get(s.id) })
        : send(res, 404, { error: 'no such session' });
    }
    if (url.pathname === '/__stripe/sessions/create') {
      // A session nobody asked the relay for (same reference, any amount): as if made elsewhere on the account.
      const item = { quantity: 1, price_data: { currency: body.currency ?? 'cny', unit_amount: body.amount } };
      return send(
        res,
        200,
        newSession(
          { client_reference_id: body.client_reference_id, success_url: 'http://127.0.0.1/' },
          item,
          body.amount,
        ),
      );
    }
    if (url.pathname === '/__stripe/refund' || url.pathname === '/__stripe/dispute') {
      const s = [...sessions.values()].find((x) => x.client_reference_id === body.order_no && x.charge);
      if (!s) return send(res, 404, { error: 'no paid session for that order' });
      const object = url.pathname === '/__stripe/refund' ? refundCharge(s, body.amount) : disputeCharge(s, body.amount);
      return send(
        res,
        200,
        await stripeEvent(object, {
          type: url.pathname === '/__stripe/refund' ? 'charge.refunded' : 'charge.dispute.created',
        }),
      );
    }
    if (url.pathname === '/__stripe/sign') {
      // Any payload, signed as Stripe would (a stale timestamp or another secret on request).
      const signature = await stripeLib.webhooks.generateTestHeaderStringAsync({
        payload: body.payload,
        secret: body.secret ?? FAKE_STRIPE.webhookSecret,
        ...(body.timestamp ? { timestamp: body.timestamp } : {}),
      });
      return send(res, 200, { signature });
    }
    if (url.pathname === '/__epay/notice') {
      // A signed notice for a submitted order; `overrides` changes any field before signing (`__key` signs with another key).
      const order = epayOrders.get(body.out_trade_no);
      if (!order) return send(res, 404, { error: 'no such order' });
      if (body.paid !== false) order.status = 1;
      const params = epayNotice(order, body.overrides ?? {});
      const delivery = body.deliver ? await deliverEpay(order, params) : null;
      return send(res, 200, { params, delivery, notify_url: order.notify_url });
    }
    if (url.pathname === '/__epay/orders') return send(res, 200, [...epayOrders.values()]);
    if (url.pathname === '/__requests') return send(res, 200, requests.slice(-200));
    return send(res, 404, { error: 'no such control' });
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname });
    try {
      if (url.pathname === '/favicon.ico') return send(res, 204, '');
      if (url.pathname.startsWith('/__')) return await handleControl(req, res, url);
      if (url.pathname.startsWith('/v1/')) return await handleStripe(req, res, url);
      if (url.pathname.startsWith('/epay/')) return await handleEpay(req, res, url);
      if (url.pathname.startsWith('/stripe/pay/'))
        return send(
          res,
          200,
          `<!doctype html><title>Fake Stripe Checkout</title><p>${escapeHtml(url.pathname.split('/').pop())}</p>`,
          'text/html',
        );
      return send(res, 404, { error: 'not found' });
    } catch (err) {
      send(res, 500, { error: String(err && err.message ? err.message : err) });
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: base,
    stripeApiBase: base,
    epayGateway: `${base}/epay`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8788);
  startFakePayments({ port }).then((s) => console.log(`fake payments on ${s.url} (Stripe at /v1, Epay at /epay)`));
}
