/** The words of each mail, in English and Chinese, as plain text and simple HTML. */
import type { ModelUsdPrice } from '../db/schema';
import { QUOTA_PER_USD } from '../billing/charge';
import type { NewIpSeen } from './messages';

export type MailLang = 'en' | 'zh';
export type MailCurrency = 'USD' | 'CNY';

export interface Written {
  subject: string;
  text: string;
  html: string;
}

export interface Money {
  currency: MailCurrency;
  usdToCny: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const fmt = (n: number) => String(Number(n.toPrecision(10)));

/** Dollars, and the customer's currency beside them when it is not dollars. */
export function usdText(usd: number, money: Money): string {
  const base = `$${fmt(usd)}`;
  return money.currency === 'CNY' ? `${base} (¥${fmt(usd * money.usdToCny)})` : base;
}

export const unitsText = (units: number, money: Money) => usdText(units / QUOTA_PER_USD, money);

/** A mail of paragraphs and links: every line of text also goes into the HTML, escaped. */
function compose(
  subject: string,
  blocks: (string | { link: string; label: string })[],
  footer: string | null,
): Written {
  const textParts = blocks.map((b) => (typeof b === 'string' ? b : `${b.label}: ${b.link}`));
  const htmlParts = blocks.map((b) =>
    typeof b === 'string'
      ? `<p>${esc(b).replace(/\n/g, '<br>')}</p>`
      : `<p><a href="${esc(b.link)}">${esc(b.label)}</a></p>`,
  );
  if (footer) {
    textParts.push(`--\n${footer}`);
    htmlParts.push(`<hr><p style="color:#666;font-size:12px">${esc(footer)}</p>`);
  }
  return {
    subject,
    text: textParts.join('\n\n'),
    html: `<!doctype html><html><body>${htmlParts.join('\n')}</body></html>`,
  };
}

const T = {
  en: {
    unsub: (url: string) => `You get this mail because you asked for it. Unsubscribe with one click: ${url}`,
    priceSubject: (n: number) => `Price change for ${n} model${n === 1 ? '' : 's'} you follow`,
    priceIntro: (site: string) => `Prices changed on ${site}. Per million tokens (input / output) or per call:`,
    removed: 'no longer offered',
    unpriced: 'not priced',
    perCall: 'per call',
    input: 'input',
    output: 'output',
    ipSubject: (key: string) => `Your API key ${key} was used from a new IP address`,
    ipIntro: (key: string) => `Your key ${key} was used from IP addresses it had never been used from:`,
    ipLine: (s: NewIpSeen) => `- ${s.ip} at ${new Date(s.at).toISOString()} (model ${s.model})`,
    ipAdvice:
      'If this was not you, the key may have leaked: disable it now with the link below (valid for 24 hours), then make a new one.',
    disable: 'Disable this key now',
    lowSubject: 'Your balance is running low',
    lowBody: (bal: string, thr: string) =>
      `Your balance is ${bal}, below the ${thr} you asked to be told about. Top up to keep your keys working.`,
    verifySubject: 'Confirm your email address',
    verifyBody: (user: string) =>
      `Welcome, ${user}. Open the link below to confirm this address and finish signing up.`,
    verifyLink: 'Confirm my address',
    changeSubject: 'Confirm your new email address',
    changeBody: (user: string) =>
      `${user} asked to send this site's mail to this address. Open the link below within 24 hours to confirm it; until then the old address stays. If it was not you, ignore this mail.`,
    resetSubject: 'Reset your password',
    resetBody: (user: string) =>
      `Someone asked to reset the password of ${user}. The link works once, within an hour. If it was not you, ignore this mail.`,
    resetLink: 'Set a new password',
  },
  zh: {
    unsub: (url: string) => `您订阅了此类通知。一键退订：${url}`,
    priceSubject: (n: number) => `您关注的 ${n} 个模型价格有变动`,
    priceIntro: (site: string) => `${site} 的价格有变动。每百万 tokens（输入 / 输出）或按次：`,
    removed: '已下架',
    unpriced: '未定价',
    perCall: '每次',
    input: '输入',
    output: '输出',
    ipSubject: (key: string) => `您的 API 密钥 ${key} 在新的 IP 地址上被使用`,
    ipIntro: (key: string) => `您的密钥 ${key} 在从未使用过的 IP 地址上被使用：`,
    ipLine: (s: NewIpSeen) => `- ${s.ip}，时间 ${new Date(s.at).toISOString()}（模型 ${s.model}）`,
    ipAdvice: '如果不是您本人，密钥可能已泄露：请用下面的链接立即停用（24 小时内有效），然后新建一个。',
    disable: '立即停用此密钥',
    lowSubject: '您的余额不足',
    lowBody: (bal: string, thr: string) =>
      `您的余额为 ${bal}，已低于您设置的提醒额度 ${thr}。请及时充值，以免密钥无法使用。`,
    verifySubject: '请验证您的邮箱',
    verifyBody: (user: string) => `欢迎，${user}。打开下面的链接验证此邮箱并完成注册。`,
    verifyLink: '验证我的邮箱',
    changeSubject: '请确认您的新邮箱',
    changeBody: (user: string) =>
      `${user} 请求将本站邮件发送到此邮箱。请在 24 小时内打开下面的链接确认；确认前仍使用原邮箱。如果不是您本人，请忽略此邮件。`,
    resetSubject: '重置密码',
    resetBody: (user: string) =>
      `有人请求重置 ${user} 的密码。链接在一小时内有效且只能使用一次。如果不是您本人，请忽略此邮件。`,
    resetLink: '设置新密码',
  },
} as const;

function priceText(p: ModelUsdPrice | null, lang: MailLang, money: Money): string {
  const t = T[lang];
  if (!p) return t.unpriced;
  if (p.perCall !== null) return `${usdText(p.perCall, money)} ${t.perCall}`;
  return `${t.input} ${usdText(p.input ?? 0, money)} / ${t.output} ${usdText(p.output ?? 0, money)}`;
}

export interface PriceLine {
  model: string;
  before: ModelUsdPrice | null;
  after: ModelUsdPrice | null;
}

export function priceMail(
  lang: MailLang,
  site: string,
  lines: PriceLine[],
  money: Money,
  unsubscribe: string,
): Written {
  const t = T[lang];
  const rows = lines.map(
    (l) =>
      `- ${l.model}: ${priceText(l.before, lang, money)} -> ${l.after ? priceText(l.after, lang, money) : t.removed}`,
  );
  return compose(t.priceSubject(lines.length), [t.priceIntro(site), rows.join('\n')], t.unsub(unsubscribe));
}

export function newIpMail(
  lang: MailLang,
  key: string,
  ips: NewIpSeen[],
  disable: string,
  unsubscribe: string,
): Written {
  const t = T[lang];
  return compose(
    t.ipSubject(key),
    [t.ipIntro(key), ips.map(t.ipLine).join('\n'), t.ipAdvice, { link: disable, label: t.disable }],
    t.unsub(unsubscribe),
  );
}

export function lowBalanceMail(lang: MailLang, balance: string, threshold: string, unsubscribe: string): Written {
  const t = T[lang];
  return compose(t.lowSubject, [t.lowBody(balance, threshold)], t.unsub(unsubscribe));
}

export function verifyMail(lang: MailLang, username: string, link: string): Written {
  const t = T[lang];
  return compose(t.verifySubject, [t.verifyBody(username), { link, label: t.verifyLink }], null);
}

export function changeMail(lang: MailLang, username: string, link: string): Written {
  const t = T[lang];
  return compose(t.changeSubject, [t.changeBody(username), { link, label: t.verifyLink }], null);
}

export function resetMail(lang: MailLang, username: string, link: string): Written {
  const t = T[lang];
  return compose(t.resetSubject, [t.resetBody(username), { link, label: t.resetLink }], null);
}
