import type { Job } from './types';

const CHUNK = 500;
const DAY_MS = 86_400_000;

/**
 * Folds raw log rows older than the retention into daily totals and deletes them. Each chunk
 * is one D1 batch (a transaction), so a run stopped half-way leaves no row both folded and kept.
 */
export const retention: Job = {
  name: 'retention',
  async run({ env, settings, now, budget, retentionDays }) {
    const days = retentionDays ?? settings.LOG_RETENTION_DAYS;
    const cutoff = days === 0 ? now + 1 : now - days * DAY_MS;
    let rows = 0;
    for (let chunk = 0; chunk < budget; chunk++) {
      const { results } = await env.DB.prepare('SELECT id FROM logs WHERE created_at < ? ORDER BY id LIMIT ?').bind(cutoff, CHUNK).all<{ id: number }>();
      if (results.length === 0) return { rows, more: false, details: { cutoff: new Date(cutoff).toISOString() } };
      const first = results[0].id;
      const last = results[results.length - 1].id;
      await env.DB.batch([
        env.DB.prepare(
          `INSERT INTO usage_daily (day, user_id, token_id, model, channel_id, requests, prompt_tokens, completion_tokens, quota)
           SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), user_id, COALESCE(token_id, 0), model, COALESCE(channel_id, 0),
                  COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(quota)
             FROM logs WHERE id BETWEEN ?1 AND ?2 AND created_at < ?3
            GROUP BY 1, 2, 3, 4, 5
           ON CONFLICT (day, user_id, token_id, model, channel_id) DO UPDATE SET
             requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
             completion_tokens = completion_tokens + excluded.completion_tokens, quota = quota + excluded.quota`,
        ).bind(first, last, cutoff),
        env.DB.prepare('DELETE FROM logs WHERE id BETWEEN ?1 AND ?2 AND created_at < ?3').bind(first, last, cutoff),
      ]);
      rows += results.length;
    }
    const left = await env.DB.prepare('SELECT 1 FROM logs WHERE created_at < ? LIMIT 1').bind(cutoff).first();
    return { rows, more: left !== null };
  },
};
