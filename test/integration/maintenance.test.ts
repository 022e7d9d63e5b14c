import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { settingsOf } from '../../worker/env';
import { retention } from '../../worker/maintenance/retention';
import { call, chatBody, createToken, rootJwt, setupCustomer, uniq, waitFor } from '../helpers';

interface UsageRow {
  day: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  quota: number;
}

const usage = async (jwt: string, query = '') =>
  (await call<UsageRow[]>('GET', `/api/stats/usage?days=3660${query}`, { jwt })).body;

async function logCount(userId: number): Promise<number> {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM logs WHERE user_id = ?').bind(userId).first<{ n: number }>())!
    .n;
}

/** Old log rows for one user, spread over several days, as a busy account would leave them. */
async function seedOldLogs(userId: number, tokenId: number, model: string, n: number): Promise<void> {
  const day = 86_400_000;
  const base = Date.now() - 40 * day;
  const statements = Array.from({ length: n }, (_, i) =>
    env.DB.prepare(
      `INSERT INTO logs (created_at, request_id, user_id, token_id, channel_id, model, endpoint, is_stream, prompt_tokens, completion_tokens,
         cached_tokens, usage_counted, quota, capped, status, latency_ms, attempts) VALUES (?, ?, ?, ?, 1, ?, 'chat', 0, ?, ?, 0, 0, ?, 0, 200, 5, 1)`,
    ).bind(
      base + (i % 5) * day + i,
      `req_seed_${uniq('')}_${i}`,
      userId,
      tokenId,
      model,
      10 + (i % 7),
      3 + (i % 4),
      20 + (i % 9),
    ),
  );
  for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
}

describe('maintenance: retention', () => {
  it('folds every raw row into daily totals with the same usage before and after (LOG_RETENTION_DAYS=0)', async () => {
    const { admin, user, token, model } = await setupCustomer();
    for (let i = 0; i < 3; i++) await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitFor(async () => (await logCount(user.id)) === 3);
    const before = await usage(user.jwt);
    expect(before.reduce((s, r) => s + r.requests, 0)).toBe(3);
    const run = await call<{ runs: { job: string; rows: number; outcome: string }[] }>('POST', '/api/maintenance/run', {
      jwt: admin,
      body: { jobs: ['retention'], retention_days: 0 },
    });
    expect(run.status).toBe(200);
    expect(run.body.runs[0]).toMatchObject({ job: 'retention', outcome: 'ok' });
    expect(run.body.runs[0].rows).toBeGreaterThanOrEqual(3);
    expect(await logCount(user.id)).toBe(0);
    expect(await usage(user.jwt)).toEqual(before);
    expect(await usage(user.jwt, `&token_id=${token.id}`)).toEqual(before);
  });

  it('keeps rows younger than the retention', async () => {
    const { admin, user, token, model } = await setupCustomer();
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    await waitFor(async () => (await logCount(user.id)) === 1);
    await call('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['retention'], retention_days: 30 } });
    expect(await logCount(user.id)).toBe(1);
  });

  it('a run stopped half-way and run again folds each row exactly once', async () => {
    const { user, token, model } = await setupCustomer();
    await seedOldLogs(user.id, token.id, model, 1200);
    const before = await usage(user.jwt);
    const settings = settingsOf(env);
    const first = await retention.run({ env, settings, now: Date.now(), budget: 1 });
    expect(first).toMatchObject({ rows: 500, more: true });
    expect(await usage(user.jwt)).toEqual(before);
    const second = await retention.run({ env, settings, now: Date.now(), budget: 10 });
    expect(second.more).toBe(false);
    expect(await logCount(user.id)).toBe(0);
    expect(await usage(user.jwt)).toEqual(before);
    // running again changes nothing
    await retention.run({ env, settings, now: Date.now(), budget: 10 });
    expect(await usage(user.jwt)).toEqual(before);
  }, 60_000);
});

describe('maintenance: expiry, reconcile, optimize', () => {
  it('marks keys past their expiry as expired', async () => {
    const { admin, user } = await setupCustomer();
    const t = await createToken(user.jwt, { expires_at: new Date(Date.now() + 1000).toISOString() });
    await new Promise((r) => setTimeout(r, 1100));
    const run = await call<{ runs: { rows: number }[] }>('POST', '/api/maintenance/run', {
      jwt: admin,
      body: { jobs: ['expiry'] },
    });
    expect(run.body.runs[0].rows).toBeGreaterThanOrEqual(1);
    const row = await env.DB.prepare('SELECT status FROM tokens WHERE id = ?').bind(t.id).first<{ status: string }>();
    expect(row?.status).toBe('expired');
  });

  it('finds a balance that disagrees with its ledger and records it without changing it', async () => {
    const admin = await rootJwt();
    const { user, token, model } = await setupCustomer({ quota: 5000 });
    await call('POST', '/v1/chat/completions', { key: token.key, body: chatBody(model) });
    const clean = await call<{ runs: { details: { mismatches: number } }[] }>('POST', '/api/maintenance/run', {
      jwt: admin,
      body: { jobs: ['reconcile'] },
    });
    const mismatchesBefore = clean.body.runs[0].details.mismatches;
    await env.DB.prepare(
      "INSERT INTO ledger (user_id, delta, balance_after, reason, note, created_at) VALUES (?, 777, 0, 'adjust', 'tampered', ?)",
    )
      .bind(user.id, Date.now())
      .run();
    const run = await call<{ runs: { details: { mismatches: number } }[] }>('POST', '/api/maintenance/run', {
      jwt: admin,
      body: { jobs: ['reconcile'] },
    });
    expect(run.body.runs[0].details.mismatches).toBe(mismatchesBefore + 1);
    const events = await call<{ items: { kind: string; message: string }[] }>(
      'GET',
      `/api/events?subject=user:${user.id}`,
      { jwt: admin },
    );
    expect(events.body.items[0].kind).toBe('balance_mismatch');
    expect(events.body.items[0].message).toMatch(/-777/);
    expect((await call<{ quota: number }>('GET', `/api/users/${user.id}`, { jwt: admin })).body.quota).toBe(5000 - 15);
  });

  it('runs all jobs on demand and lists the runs newest first; refuses customers and unknown jobs', async () => {
    const { admin, user } = await setupCustomer();
    const run = await call<{ runs: { job: string; outcome: string }[] }>('POST', '/api/maintenance/run', {
      jwt: admin,
    });
    expect(run.body.runs.map((r) => r.job)).toEqual([
      'expiry',
      'orders',
      'retention',
      'reconcile',
      'promotions',
      'probes',
      'price_sync',
      'optimize',
    ]);
    expect(run.body.runs.every((r) => r.outcome === 'ok')).toBe(true);
    const runs = await call<{ items: { job: string; finished_at: string; outcome: string }[] }>(
      'GET',
      '/api/maintenance/runs',
      { jwt: admin },
    );
    expect(runs.body.items[0].job).toBe('optimize');
    expect(runs.body.items[0].finished_at).toBeTruthy();
    expect((await call('POST', '/api/maintenance/run', { jwt: user.jwt })).status).toBe(403);
    expect((await call('POST', '/api/maintenance/run', { jwt: admin, body: { jobs: ['defrag'] } })).status).toBe(400);
  });
});

describe('maintenance: triggers', () => {
  async function fire(cron: string, scheduledTime: number): Promise<void> {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  const runsSince = async (id: number) =>
    (
      await env.DB.prepare('SELECT job, trigger FROM maintenance_runs WHERE id > ? ORDER BY id')
        .bind(id)
        .all<{ job: string; trigger: string }>()
    ).results;
  const lastRunId = async () =>
    (await env.DB.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM maintenance_runs').first<{ id: number }>())!.id;

  it('the frequent trigger probes channels and expires keys', async () => {
    const since = await lastRunId();
    await fire('*/2 * * * *', Date.now());
    expect((await runsSince(since)).map((r) => r.job)).toEqual(['expiry', 'probes']);
  });

  it('the window trigger runs every job inside 01:00-05:00 Asia/Shanghai, and nothing outside it', async () => {
    const since = await lastRunId();
    await fire('*/10 17-20 * * *', Date.UTC(2026, 10, 28, 18, 0)); // 02:00 in Shanghai
    expect((await runsSince(since)).map((r) => r.job)).toEqual([
      'expiry',
      'orders',
      'retention',
      'reconcile',
      'promotions',
      'probes',
      'price_sync',
      'optimize',
    ]);
    const mid = await lastRunId();
    await fire('*/10 17-20 * * *', Date.UTC(2026, 10, 28, 6, 0)); // 14:00 in Shanghai
    expect(await runsSince(mid)).toEqual([]);
  });
});
