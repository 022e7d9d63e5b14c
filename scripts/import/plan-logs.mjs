// --with-logs: the source's consumption logs folded into usage_daily (day, user, key, model,
// channel), the same totals retention keeps. Raw rows are not copied.
import { insertStatements } from './sql.mjs';
import { int, mapOf, mapRow, str } from './util.mjs';

/** @typedef {import('./util.mjs').Ctx} Ctx @typedef {import('./util.mjs').Group} Group */

/** one-api / new-api log type 2: a charged request. */
const CONSUME = 2;
const ADD =
  'ON CONFLICT(day, user_id, token_id, model, channel_id) DO UPDATE SET requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens, quota = quota + excluded.quota';

/** @param {Ctx} ctx @returns {Group} */
export function planLogs(ctx) {
  const empty = { name: 'usage', counts: {}, statements: [] };
  if (!ctx.withLogs || !ctx.has('logs') || mapOf(ctx, 'logs').has('consume')) return empty;
  const users = mapOf(ctx, 'user');
  const tokens = mapOf(ctx, 'token');
  const channels = mapOf(ctx, 'channel');
  /** @type {Map<string, Record<string, number | string>>} */
  const days = new Map();
  let rows = 0;
  for (const r of ctx.rows('logs')) {
    const user = users.get(String(r.user_id));
    if (int(r.type) !== CONSUME || user == null) continue;
    const row = {
      day: new Date(int(r.created_at) * 1000).toISOString().slice(0, 10),
      user_id: user,
      token_id: tokens.get(String(r.token_id)) ?? 0,
      model: str(r.model_name),
      channel_id: channels.get(String(r.channel ?? r.channel_id)) ?? 0,
    };
    const key = JSON.stringify(row);
    const sum = days.get(key) ?? { ...row, requests: 0, prompt_tokens: 0, completion_tokens: 0, quota: 0 };
    sum.requests += 1;
    sum.prompt_tokens += int(r.prompt_tokens);
    sum.completion_tokens += int(r.completion_tokens);
    sum.quota += ctx.units(r.quota);
    days.set(key, sum);
    rows++;
  }
  const maps = [mapRow(ctx, 'logs', 'consume', rows)];
  return {
    name: 'usage',
    counts: { usage_daily: days.size, 'log rows folded': rows },
    statements: [...insertStatements('usage_daily', [...days.values()], ADD), ...insertStatements('import_map', maps)],
  };
}
