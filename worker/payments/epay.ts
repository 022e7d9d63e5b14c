/**
 * The "Epay" protocol of Chinese payment aggregators: a signed redirect to `submit.php`, a signed
 * asynchronous notice back, and an order query. `sign` is the MD5 of the non-empty parameters
 * other than `sign` and `sign_type`, sorted by name and joined as `k=v&k=v`, followed directly by
 * the merchant key.
 */
import type { Settings } from '../env';

export interface EpaySetup {
  gateway: string;
  pid: string;
  key: string;
}

/** Epay is on when its gateway, merchant id and key are set. */
export function epaySetup(s: Settings): EpaySetup | null {
  return s.EPAY_GATEWAY && s.EPAY_PID && s.EPAY_KEY
    ? { gateway: s.EPAY_GATEWAY, pid: s.EPAY_PID, key: s.EPAY_KEY }
    : null;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The string the signature is made over. */
export function signingString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export async function epaySign(params: Record<string, string>, key: string): Promise<string> {
  // workerd's SubtleCrypto has MD5 for protocols like this one.
  return hex(await crypto.subtle.digest('MD5', new TextEncoder().encode(signingString(params) + key)));
}

/** Compares without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface SubmitInput {
  orderNo: string;
  /** alipay, wxpay, qqpay, ... as the gateway names them. */
  type: string;
  name: string;
  /** pay_amount with two decimals. */
  money: string;
  notifyUrl: string;
  returnUrl: string;
}

/** The signed URL that sends the customer to the gateway's payment page. */
export async function submitUrl(setup: EpaySetup, o: SubmitInput): Promise<string> {
  const params: Record<string, string> = {
    pid: setup.pid,
    type: o.type,
    out_trade_no: o.orderNo,
    notify_url: o.notifyUrl,
    return_url: o.returnUrl,
    name: o.name,
    money: o.money,
  };
  const query = new URLSearchParams({ ...params, sign: await epaySign(params, setup.key), sign_type: 'MD5' });
  return `${setup.gateway}/submit.php?${query.toString()}`;
}

export interface Notice {
  pid: string;
  tradeNo: string;
  orderNo: string;
  money: string;
  status: string;
}

export type NoticeCheck = { ok: true; notice: Notice } | { ok: false; reason: string; notice: Partial<Notice> };

/** A notice, checked: signature first, then the merchant id. The amount is checked against the order by the caller. */
export async function checkNotice(setup: EpaySetup, params: Record<string, string>): Promise<NoticeCheck> {
  const notice: Notice = {
    pid: params.pid ?? '',
    tradeNo: params.trade_no ?? '',
    orderNo: params.out_trade_no ?? '',
    money: params.money ?? '',
    status: params.trade_status ?? '',
  };
  if (!params.sign || !sameText(params.sign.toLowerCase(), await epaySign(params, setup.key)))
    return { ok: false, reason: 'bad signature', notice };
  if (notice.pid !== setup.pid) return { ok: false, reason: `merchant ${notice.pid} is not ours`, notice };
  return { ok: true, notice };
}

export interface EpayOrderState {
  paid: boolean;
  tradeNo: string | null;
  money: string | null;
}

/** The gateway's word on an order (`api.php?act=order`), for "check with the gateway". */
export async function queryOrder(setup: EpaySetup, orderNo: string): Promise<EpayOrderState> {
  const url = `${setup.gateway}/api.php?${new URLSearchParams({ act: 'order', pid: setup.pid, key: setup.key, out_trade_no: orderNo }).toString()}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const body: unknown = await res.json();
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const paid = Number(o.code) === 1 && Number(o.status) === 1;
  return {
    paid,
    tradeNo: typeof o.trade_no === 'string' ? o.trade_no : null,
    money: o.money === undefined ? null : String(o.money),
  };
}
