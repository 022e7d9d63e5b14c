import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dec, decimalString } from '../../worker/billing/decimal';
import { stripeTakes, stripeUnit } from '../../worker/payments/currencies';
import { checkNotice, epaySetup, epaySign, signingString, submitUrl } from '../../worker/payments/epay';
import {
  compare,
  creditFor,
  discountFor,
  isPayAmount,
  minorUnits,
  money,
  parseAmount,
  payAmountFor,
  roundHalfUp,
  unitsInCurrency,
} from '../../worker/payments/money';
import type { Settings } from '../../worker/env';

const text = (d: ReturnType<typeof dec> | null) => (d === null ? null : decimalString(d));

describe('parseAmount', () => {
  it('takes positive amounts with at most two places, from numbers or text', () => {
    expect(text(parseAmount(12))).toBe('12');
    expect(text(parseAmount('12.5'))).toBe('12.5');
    expect(text(parseAmount(' 0.01 '))).toBe('0.01');
    expect(parseAmount('999999999999.99')).toEqual({ units: 99999999999999n, scale: 2 });
  });
  it('refuses zero, negatives, three places, exponents, 13 digits and non-numbers', () => {
    for (const bad of ['0', '0.00', '-1', '1.005', '1e3', '1000000000000', '', '.5', '5.', 'abc', '1,00'])
      expect(parseAmount(bad), bad).toBeNull();
    for (const bad of [0, -3, Number.NaN, Number.POSITIVE_INFINITY, 1.001, 1e21])
      expect(parseAmount(bad), String(bad)).toBeNull();
  });
});

describe('compare and isPayAmount', () => {
  it('orders decimals of different scales', () => {
    expect(compare(dec('1.50'), dec('1.5'))).toBe(0);
    expect(compare(dec('1.49'), dec('1.5'))).toBe(-1);
    expect(compare(dec('2'), dec('1.99'))).toBe(1);
    expect(compare(dec('1.5'), dec('10'))).toBe(-1);
  });
  it('matches a gateway amount exactly, whatever its trailing zeros', () => {
    expect(isPayAmount('88.80', '88.8')).toBe(true);
    expect(isPayAmount('88.8', '88.80')).toBe(true);
    expect(isPayAmount('88.81', '88.80')).toBe(false);
    expect(isPayAmount('88.79', '88.80')).toBe(false);
    expect(isPayAmount(null, '88.80')).toBe(false);
    expect(isPayAmount('not money', '88.80')).toBe(false);
    expect(isPayAmount('88.80', 'bad')).toBe(false);
  });
});

describe('creditFor and unitsInCurrency', () => {
  it('floors amount / price_per_usd * 500000', () => {
    expect(creditFor(dec('7.2'), 7.2)).toBe(500_000);
    expect(creditFor(dec('10'), 7.3)).toBe(684_931); // 684,931.5... floored
    expect(creditFor(dec('0.01'), 1)).toBe(5000);
    expect(creditFor(dec('1'), 0.003)).toBe(166_666_666);
  });
  it('gives units back as an exact amount', () => {
    expect(decimalString(unitsInCurrency(500_000, 7.2))).toBe('7.2');
    expect(decimalString(unitsInCurrency(1, 1))).toBe('0.000002');
    expect(decimalString(unitsInCurrency(250_000, 1.5))).toBe('0.75');
  });
});

describe('rounding and display', () => {
  it('rounds half up to the places asked', () => {
    expect(decimalString(roundHalfUp(dec('1.005'), 2))).toBe('1.01');
    expect(decimalString(roundHalfUp(dec('1.0049'), 2))).toBe('1');
    expect(roundHalfUp(dec('1.004'), 2)).toEqual({ units: 100n, scale: 2 });
    expect(roundHalfUp(dec('1.5'), 3)).toEqual({ units: 1500n, scale: 3 });
    expect(roundHalfUp(dec('1.25'), 2)).toEqual({ units: 125n, scale: 2 });
    expect(roundHalfUp(dec('2.5'), 0)).toEqual({ units: 3n, scale: 0 });
    expect(roundHalfUp(dec('2.4999'), 0)).toEqual({ units: 2n, scale: 0 });
  });
  it('takes the discount off and rounds the price to cents', () => {
    expect(money(payAmountFor(dec('100'), 0.1))).toBe('90.00');
    expect(money(payAmountFor(dec('33.33'), 0.15))).toBe('28.33'); // 28.3305
    expect(money(payAmountFor(dec('0.03'), 0.5))).toBe('0.02'); // 0.015 rounds up
    expect(money(payAmountFor(dec('10'), 0))).toBe('10.00');
  });
  it('shows exactly two places', () => {
    expect(money(dec('12.5'))).toBe('12.50');
    expect(money(dec('3'))).toBe('3.00');
    expect(money(dec('0.049'))).toBe('0.05');
    expect(money(dec('1234.006'))).toBe('1234.01');
  });
});

describe('minorUnits: what Stripe is sent', () => {
  it('sends cents, whole yen, thousandths ending in 0, and ISK in hundreds', () => {
    expect(minorUnits(dec('12.34'), 'usd')).toBe(1234);
    expect(minorUnits(dec('12.345'), 'EUR')).toBe(1235);
    expect(minorUnits(dec('1000.4'), 'jpy')).toBe(1000);
    expect(minorUnits(dec('1000.5'), 'jpy')).toBe(1001);
    expect(minorUnits(dec('5.124'), 'kwd')).toBe(5120);
    expect(minorUnits(dec('5.125'), 'kwd')).toBe(5130);
    expect(minorUnits(dec('12.5'), 'isk')).toBe(1300);
    expect(minorUnits(dec('12.4'), 'isk')).toBe(1200);
  });
  it('throws for a currency Stripe does not take', () => {
    expect(() => minorUnits(dec('1'), 'xyz')).toThrow('Stripe does not take xyz');
  });
  it("knows each currency's unit, in any case", () => {
    expect(stripeUnit('USD')).toEqual({ exponent: 2, step: 1 });
    expect(stripeUnit('jpy')).toEqual({ exponent: 0, step: 1 });
    expect(stripeUnit('KWD')).toEqual({ exponent: 3, step: 10 });
    expect(stripeUnit('isk')).toEqual({ exponent: 2, step: 100 });
    expect(stripeUnit('xyz')).toBeNull();
    expect(stripeTakes('cny')).toBe(true);
    expect(stripeTakes('xyz')).toBe(false);
  });
});

describe('discountFor', () => {
  const tiers = [
    { min_amount: 100, discount: 0.05 },
    { min_amount: 500, discount: 0.1 },
    { min_amount: 300, discount: 0.02 },
  ];
  it('takes the best tier the amount reaches, from exactly its minimum', () => {
    expect(discountFor(dec('99.99'), tiers, null)).toBe(0);
    expect(discountFor(dec('100'), tiers, null)).toBe(0.05);
    expect(discountFor(dec('300'), tiers, null)).toBe(0.05);
    expect(discountFor(dec('500.00'), tiers, null)).toBe(0.1);
    expect(discountFor(dec('499.99'), tiers, null)).toBe(0.05);
  });
  it('an enterprise discount applies when it is the larger', () => {
    expect(discountFor(dec('10'), tiers, 0.2)).toBe(0.2);
    expect(discountFor(dec('600'), tiers, 0.07)).toBe(0.1);
    expect(discountFor(dec('600'), [], null)).toBe(0);
  });
});

describe('Epay signing', () => {
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const setup = { gateway: 'https://pay.example/epay', pid: '1001', key: 'merchant-key' };

  it('signs the sorted non-empty parameters other than sign and sign_type, then the key', async () => {
    const params = {
      pid: '1001',
      money: '1.00',
      name: 'Top-up',
      out_trade_no: 'T1',
      empty: '',
      sign: 'x',
      sign_type: 'MD5',
    };
    expect(signingString(params)).toBe('money=1.00&name=Top-up&out_trade_no=T1&pid=1001');
    expect(await epaySign(params, 'k')).toBe(md5('money=1.00&name=Top-up&out_trade_no=T1&pid=1001k'));
    // hex with every byte in two digits: many digests have a byte below 0x10
    for (let i = 0; i < 20; i++) expect(await epaySign({ n: String(i) }, 'k')).toBe(md5(`n=${i}k`));
  });

  it('is on only when gateway, merchant id and key are all set', () => {
    const s = (o: Partial<Settings>) => ({ EPAY_GATEWAY: 'g', EPAY_PID: 'p', EPAY_KEY: 'k', ...o }) as Settings;
    expect(epaySetup(s({}))).toEqual({ gateway: 'g', pid: 'p', key: 'k' });
    expect(epaySetup(s({ EPAY_GATEWAY: '' }))).toBeNull();
    expect(epaySetup(s({ EPAY_PID: '' }))).toBeNull();
    expect(epaySetup(s({ EPAY_KEY: '' }))).toBeNull();
  });

  it('sends the customer to submit.php with the signature over what it sends', async () => {
    const url = new URL(
      await submitUrl(setup, {
        orderNo: 'T9',
        type: 'alipay',
        name: 'Top-up',
        money: '8.80',
        notifyUrl: 'https://r/n',
        returnUrl: 'https://r/r',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://pay.example/epay/submit.php');
    const q = Object.fromEntries(url.searchParams);
    const { sign, sign_type: type, ...rest } = q;
    expect(rest).toEqual({
      pid: '1001',
      type: 'alipay',
      out_trade_no: 'T9',
      notify_url: 'https://r/n',
      return_url: 'https://r/r',
      name: 'Top-up',
      money: '8.80',
    });
    expect(type).toBe('MD5');
    expect(sign).toBe(await epaySign(rest, setup.key));
  });

  it('accepts a notice signed with the key, in either case, from our merchant only', async () => {
    const fields = {
      pid: '1001',
      trade_no: 'G7',
      out_trade_no: 'T9',
      money: '8.80',
      trade_status: 'TRADE_SUCCESS',
      type: 'alipay',
    };
    const sign = await epaySign(fields, setup.key);
    const notice = { pid: '1001', tradeNo: 'G7', orderNo: 'T9', money: '8.80', status: 'TRADE_SUCCESS' };
    expect(await checkNotice(setup, { ...fields, sign, sign_type: 'MD5' })).toEqual({ ok: true, notice });
    expect(await checkNotice(setup, { ...fields, sign: sign.toUpperCase() })).toEqual({ ok: true, notice });
    expect(await checkNotice(setup, fields)).toEqual({ ok: false, reason: 'bad signature', notice });
    expect(await checkNotice(setup, { ...fields, sign: '' })).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(
      await checkNotice(setup, { ...fields, sign: `${sign.slice(0, -1)}${sign.endsWith('0') ? '1' : '0'}` }),
    ).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(await checkNotice(setup, { ...fields, sign: sign.slice(1) })).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
    expect(await checkNotice(setup, { ...fields, sign: `${sign}0` })).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
    expect(await checkNotice(setup, { ...fields, sign: sign.slice(0, -1) })).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
    expect(await checkNotice(setup, { ...fields, money: '0.01', sign })).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
    const other = { ...fields, pid: '2002' };
    expect(await checkNotice(setup, { ...other, sign: await epaySign(other, setup.key) })).toMatchObject({
      ok: false,
      reason: 'merchant 2002 is not ours',
    });
  });

  it('reads a notice with fields missing as empty', async () => {
    const sign = await epaySign({}, setup.key);
    expect(await checkNotice(setup, { sign })).toEqual({
      ok: false,
      reason: 'merchant  is not ours',
      notice: { pid: '', tradeNo: '', orderNo: '', money: '', status: '' },
    });
  });
});
