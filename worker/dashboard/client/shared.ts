/** What the server hands the page script (as data attributes on <body>): both sides import these types. */
export interface ClientConfig {
  lang: 'en' | 'zh';
  currency: 'USD' | 'CNY';
  /** Yuan per US dollar. */
  rate: number;
}

export const CLIENT_STRING_KEYS = [
  'copied',
  'testing',
  'testOk',
  'testFail',
  'saved',
  'done',
  'mismatch',
  'perCall',
  'badNumber',
  'badJson',
  'badDate',
] as const;
export type ClientStrings = Record<(typeof CLIENT_STRING_KEYS)[number], string>;

const CURRENCY_SYMBOLS: Record<string, string> = {
  CNY: '\u00a5',
  USD: '$',
  EUR: '\u20ac',
  GBP: '\u00a3',
  JPY: '\u00a5',
};

/** An amount in an order's own currency, as the gateway charges it (`¥485.00`). */
export const orderMoney = (amount: string, currency: string) =>
  `${CURRENCY_SYMBOLS[currency] ?? `${currency} `}${amount}`;
