#!/usr/bin/env node
// `npm run load`: waves of concurrent streams, then a burst of connections sending short calls,
// against the relay; reports status codes, errors, p50/p99 and what was charged against the
// balance delta.
//
// With no --url it starts everything itself on 127.0.0.1 (the fake upstream, the relay exactly
// as `npm start` runs it, seeded with one key and one openai channel) and, with --bare, a bare
// pass-through Worker under the same wrangler for comparison. With --url it drives an existing
// relay (your deployment, or `npm start`) with --key; --login user:password (the key owner's)
// lets it read the balance and the log rows to compare charges.
//
//   npm run load -- [--runs 1] [--waves 10,50,100] [--stream-seconds 1] [--burst-connections 256]
//                   [--burst-seconds 8] [--model gpt-4o-mini] [--bare] [--json out.json]
//                   [--url https://relay.example --key sk-... [--login user:password]]
//
// Exits 1 when any call answered other than 2xx, or charges and the balance delta disagree.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRelay } from './lib/relay-process.mjs';
import {
  call,
  seedRelay,
  sleep,
  startPassthrough,
  startUpstreamProcess,
  stopper,
  wranglerVersion,
} from './lib/local-targets.mjs';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    login: { type: 'string' },
    model: { type: 'string', default: 'gpt-4o-mini' },
    runs: { type: 'string', default: '1' },
    waves: { type: 'string', default: '10,50,100' },
    'stream-seconds': { type: 'string', default: '1' },
    'burst-connections': { type: 'string', default: '256' },
    'burst-seconds': { type: 'string', default: '8' },
    bare: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
const WAVES = opts.waves.split(',').filter(Boolean).map(Number);
const STREAM_SECONDS = Number(opts['stream-seconds']);
const BURST_CONNECTIONS = Number(opts['burst-connections']);
const BURST_SECONDS = Number(opts['burst-seconds']);
const MODEL = opts.model;
const STREAM_CHUNKS = 10;

const messages = [{ role: 'user', content: 'Say hello in five words.' }];
const STREAM_BODY = JSON.stringify({
  model: MODEL,
  messages,
  max_tokens: 32,
  stream: true,
  stream_options: { include_usage: true },
});
const SHORT_BODY = JSON.stringify({ model: MODEL, messages, max_tokens: 16 });

const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One stream read to its end; the time is to the last byte. */
async function oneStream(target) {
  const started = performance.now();
  try {
    const res = await fetch(`${target.base}/v1/chat/completions`, {
      method: 'POST',
      headers: target.headers,
      body: STREAM_BODY,
    });
    const text = await res.text();
    const ok = res.status === 200 && text.includes('[DONE]');
    return {
      status: res.status,
      ms: performance.now() - started,
      ok,
      error: ok ? null : `${res.status}: ${text.slice(0, 200)}`,
      requestId: res.headers.get('x-request-id'),
    };
  } catch (err) {
    return {
      status: 0,
      ms: performance.now() - started,
      ok: false,
      error: String(err?.cause?.code ?? err?.message ?? err),
      requestId: null,
    };
  }
}

async function streamWave(target, concurrency, answeredIds) {
  const results = await Promise.all(Array.from({ length: concurrency }, () => oneStream(target)));
  for (const r of results) if (r.ok && r.requestId) answeredIds.push(r.requestId);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const statuses = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    kind: 'streams',
    concurrency,
    calls: results.length,
    statuses,
    non_2xx: results.filter((r) => !r.ok).length,
    first_errors: results
      .filter((r) => !r.ok)
      .slice(0, 3)
      .map((r) => r.error),
    p50_ms: Math.round(percentile(ms, 50)),
    p99_ms: Math.round(percentile(ms, 99)),
    charged_by_header: 0,
  };
}

function burst(target, answeredIds) {
  let charged = 0;
  const firstErrors = [];
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${target.base}/v1/chat/completions`,
        connections: BURST_CONNECTIONS,
        duration: BURST_SECONDS,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: target.headers,
            body: SHORT_BODY,
            onResponse: (status, body, _context, headers) => {
              if (status >= 200 && status < 300) {
                charged += Number(headers?.['x-quota-charged'] ?? 0);
                if (headers?.['x-request-id']) answeredIds.push(headers['x-request-id']);
              } else if (firstErrors.length < 3) firstErrors.push(`${status}: ${String(body).slice(0, 200)}`);
            },
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err);
        const statuses = {};
        for (const [code, { count }] of Object.entries(r.statusCodeStats)) statuses[code] = count;
        resolve({
          kind: 'burst',
          concurrency: BURST_CONNECTIONS,
          calls: r.requests.total,
          statuses,
          non_2xx: r.non2xx + r.errors + r.timeouts,
          errors: r.errors,
          timeouts: r.timeouts,
          first_errors: firstErrors,
          p50_ms: r.latency.p50,
          p99_ms: r.latency.p99,
          requests_per_s: Number((r.requests.total / r.duration).toFixed(1)),
          charged_by_header: charged,
        });
      },
    );
  });
}

/** The balance and the charges in the log since `fromIso`, for a relay whose owner we can log in as. */
async function ledgerView(target, fromIso) {
  if (!target.account) return null;
  const { base, account } = target;
  const user = await call(base, 'GET', `/api/users/${account.userId}`, { jwt: account.jwt });
  if (!fromIso) return { balance: user.quota };
  let charged = 0;
  const rowsById = new Map();
  let cursor = null;
  do {
    const q = new URLSearchParams({ from: fromIso, limit: '500', user_id: String(account.userId) });
    if (cursor) q.set('cursor', cursor);
    const page = await call(base, 'GET', `/api/logs?${q}`, { jwt: account.jwt });
    for (const row of page.items) {
      charged += row.quota;
      rowsById.set(row.request_id, (rowsById.get(row.request_id) ?? 0) + 1);
    }
    cursor = page.next_cursor;
  } while (cursor);
  return { balance: user.quota, charged, rowsById };
}

/**
 * Charges land within 2 s of each response (the contract), later on a loaded machine: read until
 * the balance and the log's sum stand still for two reads in a row (at most 30 s).
 */
async function settledLedger(target, from) {
  await sleep(2000);
  let last = await ledgerView(target, from);
  for (let i = 0; i < 28; i++) {
    await sleep(1000);
    const next = await ledgerView(target, from);
    if (next.balance === last.balance && next.charged === last.charged && next.rowsById.size === last.rowsById.size)
      return next;
    last = next;
  }
  return last;
}

async function oneRun(target, n) {
  const before = await ledgerView(target, null);
  const from = new Date(Date.now() - 1000).toISOString();
  const phases = [];
  const answeredIds = [];
  for (const w of WAVES) phases.push(await streamWave(target, w, answeredIds));
  phases.push(await burst(target, answeredIds));
  for (const p of phases) {
    const extra = p.kind === 'burst' ? `  ${p.requests_per_s} req/s` : '';
    console.log(
      `load: run ${n} ${p.kind.padEnd(7)} x${String(p.concurrency).padEnd(4)} ${String(p.calls).padStart(6)} calls  non-2xx ${p.non_2xx}  p50 ${p.p50_ms} ms  p99 ${p.p99_ms} ms${extra}  ${JSON.stringify(p.statuses)}`,
    );
    for (const e of p.first_errors) console.log(`      ${e}`);
  }
  let billing = null;
  if (before) {
    const after = await settledLedger(target, from);
    const answeredSet = new Set(answeredIds);
    // Calls still in flight when the burst's time ran out were cut off by the load generator, not
    // by the relay: the upstream answered them, so they are billed, once, like any other.
    const cutOff = [...after.rowsById.keys()].filter((id) => !answeredSet.has(id)).length;
    billing = {
      balance_delta: before.balance - after.balance,
      charged_in_logs: after.charged,
      answered: answeredIds.length,
      answered_with_one_row: answeredIds.filter((id) => after.rowsById.get(id) === 1).length,
      rows_of_calls_cut_off_by_the_load: cutOff,
    };
    billing.consistent =
      billing.balance_delta === billing.charged_in_logs &&
      billing.answered_with_one_row === billing.answered &&
      cutOff <= BURST_CONNECTIONS;
    console.log(
      `load: run ${n} billing: balance went down ${billing.balance_delta}, the log rows charged ${billing.charged_in_logs}; ` +
        `${billing.answered_with_one_row} of ${billing.answered} answered calls have exactly one row (+${cutOff} cut off by the load at its end): ${billing.consistent ? 'consistent' : 'INCONSISTENT'}`,
    );
  }
  return { phases, billing, non_2xx: phases.reduce((s, p) => s + p.non_2xx, 0) };
}

/**
 * The local targets, each started only when its turn comes and stopped after it: a second
 * wrangler dev starting beside a loaded one has been seen to pause it (wrangler's proxy then
 * answers 503 "Your worker restarted mid-request" for calls in flight).
 */
async function localTargets(onStop) {
  const upstream = await startUpstreamProcess();
  onStop(upstream.stop);
  // One-second streams: the default scenario streams STREAM_CHUNKS chunks this far apart.
  await fetch(`${upstream.url}/__control/default`, {
    method: 'PUT',
    body: JSON.stringify({
      mode: 'slow_stream',
      chunks: STREAM_CHUNKS,
      gap_ms: Math.round((STREAM_SECONDS * 1000) / STREAM_CHUNKS),
    }),
  });
  const relay = async () => {
    const r = await startRelay({ quiet: true });
    const { key, jwt, userId } = await seedRelay(r, upstream.url, MODEL);
    return {
      name: 'relay',
      base: r.url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      account: { jwt, userId },
      output: r.output,
      stop: r.stop,
    };
  };
  const bare = async () => {
    const b = await startPassthrough(upstream.url, 'passthrough');
    return {
      name: 'bare',
      base: b.url,
      headers: { 'content-type': 'application/json' },
      account: null,
      output: b.output,
      stop: b.stop,
    };
  };
  return opts.bare ? [relay, bare] : [relay];
}

async function remoteTarget() {
  if (!opts.key) throw new Error('--url needs --key sk-...');
  const base = opts.url.replace(/\/+$/, '');
  let account = null;
  if (opts.login) {
    const [username, ...rest] = opts.login.split(':');
    const { token: jwt, user } = await call(base, 'POST', '/api/auth/login', {
      body: { username, password: rest.join(':') },
    });
    account = { jwt, userId: user.id };
  }
  return [
    async () => ({
      name: 'relay',
      base,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.key}` },
      account,
      output: () => '',
      stop: async () => undefined,
    }),
  ];
}

function summary(runs) {
  const all = runs.flatMap((r) => r.phases);
  const burstPhases = all.filter((p) => p.kind === 'burst');
  const mean = (xs) => (xs.length ? Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)) : null);
  return {
    runs: runs.length,
    clean_runs: runs.filter((r) => r.non_2xx === 0 && (r.billing?.consistent ?? true)).length,
    non_2xx: runs.reduce((s, r) => s + r.non_2xx, 0),
    burst_requests_per_s: mean(burstPhases.map((p) => p.requests_per_s)),
    burst_p50_ms: mean(burstPhases.map((p) => p.p50_ms)),
    burst_p99_ms: mean(burstPhases.map((p) => p.p99_ms)),
    stream_p99_ms_by_wave: Object.fromEntries(
      WAVES.map((w) => [w, mean(all.filter((p) => p.kind === 'streams' && p.concurrency === w).map((p) => p.p99_ms))]),
    ),
  };
}

async function main() {
  const { add: onStop, stopAll } = stopper();
  let failed = false;
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      wrangler: wranglerVersion(),
    },
    method: {
      waves: WAVES,
      stream_seconds: STREAM_SECONDS,
      burst_connections: BURST_CONNECTIONS,
      burst_seconds: BURST_SECONDS,
      model: MODEL,
    },
    targets: {},
  };
  try {
    const targets = opts.url ? await remoteTarget() : await localTargets(onStop);
    for (const open of targets) {
      const target = await open();
      onStop(target.stop);
      console.log(
        `load: ${target.name} at ${target.base}: ${RUNS} run(s) of stream waves ${WAVES.join(', ')} then ${BURST_CONNECTIONS} connections for ${BURST_SECONDS} s`,
      );
      const runs = [];
      for (let i = 1; i <= RUNS; i++) {
        const run = await oneRun(target, i);
        runs.push(run);
        // What wrangler said about restarts, when a local target answered other than 2xx.
        if (run.non_2xx > 0 && target.output) reportWranglerLog(target, i);
      }
      const s = summary(runs);
      report.targets[target.name] = { summary: s, runs };
      console.log(
        `load: ${target.name}: ${s.clean_runs} of ${s.runs} run(s) clean; burst ${s.burst_requests_per_s} req/s, p50 ${s.burst_p50_ms} ms, p99 ${s.burst_p99_ms} ms`,
      );
      if (s.clean_runs !== s.runs && target.name === 'relay') failed = true;
      if (process.env.LOAD_DEBUG) console.log(target.output());
      await target.stop();
    }
  } finally {
    await stopAll();
  }
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  return failed ? 1 : 0;
}

/** What wrangler said about reloads when a local target answered other than 2xx; its whole log is kept in a file. */
function reportWranglerLog(target, run) {
  const log = target.output();
  const file = path.join(os.tmpdir(), `load-${target.name}-run${run}-wrangler.log`);
  writeFileSync(file, log);
  const telling = log
    .split('\n')
    .filter((l) => /reloadStart|restart|\bchanged\b|crash|uncaught|connection status/i.test(l));
  for (const line of telling.slice(-8)) console.log(`      wrangler: ${line.trim()}`);
  console.log(`      wrangler's whole log: ${file}`);
}

let code = 0;
try {
  code = await main();
} catch (err) {
  console.error(err);
  code = 1;
}
process.exit(code);
