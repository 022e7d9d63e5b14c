/** What the server hands the page script (as data attributes on <body>): both sides import these types. */
export interface ClientConfig {
  lang: 'en' | 'zh';
  currency: 'USD' | 'CNY';
  /** Yuan per US dollar. */
  rate: number;
}

export const CLIENT_STRING_KEYS = ['copied', 'testing', 'testOk', 'testFail', 'saved', 'done', 'mismatch', 'perCall', 'badNumber', 'badJson', 'badDate'] as const;
export type ClientStrings = Record<(typeof CLIENT_STRING_KEYS)[number], string>;
