/** English strings of sticky sessions and the prompt cache's hit rate. */
export const enSessions = {
  'cache.title': 'Prompt cache (last 24 h)',
  'cache.hint':
    'Served calls where the provider reported cached prompt tokens read. Calls of one session stay on one channel and key, so its cache is hit.',
  'cache.model': 'Model',
  'cache.channel': 'Channel',
  'cache.calls': 'Calls',
  'cache.hitRate': 'Cache hits',
  'cache.tokenRate': 'Cached prompt tokens',
  'cache.none': 'No served calls in the last 24 hours.',
  'cache.column': 'Cache hits (24 h)',
  'cache.of': '{hits} of {calls} calls',
  'logs.session': 'Session',
  'logs.cacheRead': 'cache read',
} as const;

export type SessionsKey = keyof typeof enSessions;
