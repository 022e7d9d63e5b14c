// The gateway's word on an order (Epay's api.php), against a local HTTP server. Node only: the
// workerd run covers queryOrder through test/integration/payments.test.ts and the fake Epay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOrder } from '../../worker/payments/epay';

const inWorkerd = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';

describe.skipIf(inWorkerd)('queryOrder', () => {
  let answer = '';
  let asked: URL | null = null;
  let base = '';
  let close = () => {};

  beforeAll(async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      asked = new URL(req.url ?? '/', 'http://127.0.0.1');
      res.setHeader('content-type', 'application/json');
      res.end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/epay`;
    close = () => server.close();
  });
  afterAll(() => close());

  const query = async (body: unknown) => {
    answer = typeof body === 'string' ? body : JSON.stringify(body);
    return queryOrder({ gateway: base, pid: '1001', key: 'merchant-key' }, 'T42');
  };

  it('asks api.php for the order with the merchant id and key', async () => {
    await query({ code: 1, status: 1 });
    expect(asked?.pathname).toBe('/epay/api.php');
    expect(Object.fromEntries(asked?.searchParams ?? [])).toEqual({
      act: 'order',
      pid: '1001',
      key: 'merchant-key',
      out_trade_no: 'T42',
    });
  });

  it('is paid only when both code and status are 1, as numbers or text', async () => {
    expect(await query({ code: 1, status: 1, trade_no: 'G7', money: '8.80' })).toEqual({
      paid: true,
      tradeNo: 'G7',
      money: '8.80',
    });
    expect(await query({ code: '1', status: '1', money: 8.8 })).toEqual({ paid: true, tradeNo: null, money: '8.8' });
    expect(await query({ code: 1, status: 0, trade_no: 'G7' })).toEqual({ paid: false, tradeNo: 'G7', money: null });
    expect(await query({ code: -1, status: 1 })).toEqual({ paid: false, tradeNo: null, money: null });
    expect(await query({ code: 1, trade_no: 7, money: 0 })).toEqual({ paid: false, tradeNo: null, money: '0' });
  });

  it('reads anything but an object as nothing paid', async () => {
    for (const body of ['null', '1', '"paid"', '[1]'])
      expect(await query(body)).toMatchObject({ paid: false, tradeNo: null });
  });
});
