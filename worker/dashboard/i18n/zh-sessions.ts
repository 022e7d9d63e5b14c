/** Chinese strings of sticky sessions and the prompt cache's hit rate: every key of the English set. */
import type { SessionsKey } from './en-sessions';

export const zhSessions: Record<SessionsKey, string> = {
  'cache.title': '提示缓存（最近 24 小时）',
  'cache.hint': '上游报告读取了缓存提示词的成功调用。同一会话的调用固定在同一渠道和同一密钥上，以便命中其缓存。',
  'cache.model': '模型',
  'cache.channel': '渠道',
  'cache.calls': '调用数',
  'cache.hitRate': '缓存命中',
  'cache.tokenRate': '缓存的提示词',
  'cache.none': '最近 24 小时没有成功的调用。',
  'cache.column': '缓存命中（24 小时）',
  'cache.of': '{calls} 次调用中 {hits} 次',
  'logs.session': '会话',
  'logs.cacheRead': '读取缓存',
};
