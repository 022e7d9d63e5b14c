// The scheduled handler, as `npm start` exposes it (wrangler dev --test-scheduled).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RELAY_URL, adminJwt, ok, waitFor } from './helpers.mjs';

describe('scheduled maintenance', () => {
  test('GET /__scheduled?cron=*/2 * * * * runs the probe and expiry jobs, listed in /api/maintenance/runs', async () => {
    const jwt = await adminJwt();
    const startedAt = Date.now();
    const res = await fetch(`${RELAY_URL}/__scheduled?cron=*/2+*+*+*+*`);
    assert.equal(res.status, 200, await res.clone().text());
    await res.text();
    const runs = await waitFor(
      async () => {
        const { items } = await ok('GET', '/api/maintenance/runs', { jwt }, 200);
        const fresh = items.filter((r) => Date.parse(r.started_at) >= startedAt - 1000 && r.finished_at);
        const jobs = new Set(fresh.map((r) => r.job));
        return jobs.has('probes') && jobs.has('expiry') ? fresh : null;
      },
      { timeoutMs: 5000, what: 'maintenance runs of probes and expiry' },
    );
    for (const r of runs.filter((x) => x.job === 'probes' || x.job === 'expiry')) {
      assert.ok(['ok', 'partial'].includes(r.outcome), `run ${JSON.stringify(r)}`);
    }
  });
});
