#!/usr/bin/env node
// `npm run bench`: the relay's overhead against a bare pass-through Worker.
//
// Starts, all on 127.0.0.1:
//   - the fake upstream, in its own Node process (so it does not share the load generator's loop);
//   - the relay, exactly as `npm start` runs it (scripts/lib/relay-process.mjs), seeded with a
//     user with a large quota, an unlimited token, a priced model and one openai channel pointing
//     at the fake upstream's default scenario;
//   - bench/passthrough, a Worker that only forwards the body to the same upstream, under the same
//     wrangler (`wrangler dev`);
//   - the same Worker configured with Workers Static Assets as the relay is (bench/passthrough-assets),
//     so the cost of wrangler dev's asset plumbing in front of every request shows on its own.
// Then loads each with autocannon (same non-streamed chat body, same connections), in turn after a
// warmup, reads each one's CPU time from /proc around every round, prints a table and writes
// docs/benchmarks.json.
//
// Knobs: BENCH_DURATION (seconds per round, default 10), BENCH_CONNECTIONS (16), BENCH_ROUNDS (3),
// BENCH_WARMUP (seconds, 8).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startRelay } from './lib/relay-process.mjs';
import {
  root,
  seedRelay,
  sleep,
  startPassthrough,
  startUpstreamProcess,
  stopper,
  wranglerVersion,
} from './lib/local-targets.mjs';
import { groupCpuMs, perRequest } from './lib/process-cpu.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 8);
const MODEL = 'gpt-4o-mini';
const BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  max_tokens: 16,
});

async function checkOnce(url, headers) {
  const res = await fetch(url, { method: 'POST', headers, body: BODY });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sanity request to ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

function load(url, headers, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', headers, body: BODY, connections: CONNECTIONS, duration: seconds, timeout: 30 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

const summarize = (r, cpu) => ({
  cpu_ms_per_request: cpu,
  requests_per_s: Number((r.requests.total / r.duration).toFixed(1)),
  p50_ms: r.latency.p50,
  p99_ms: r.latency.p99,
  mean_ms: Number(r.latency.average.toFixed(2)),
  requests: r.requests.total,
  non_2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  duration_s: Number(r.duration.toFixed(2)),
});

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round2 = (x) => Number(x.toFixed(2));

/** The mean of each part's CPU ms per request over the rounds that could read it. */
function meanCpu(rounds) {
  const known = rounds.map((r) => r.cpu_ms_per_request).filter(Boolean);
  if (known.length === 0) return null;
  return Object.fromEntries(Object.keys(known[0]).map((k) => [k, round2(mean(known.map((c) => c[k])))]));
}

function aggregate(rounds) {
  return {
    cpu_ms_per_request: meanCpu(rounds),
    requests_per_s: round2(mean(rounds.map((r) => r.requests_per_s))),
    p50_ms: round2(mean(rounds.map((r) => r.p50_ms))),
    p99_ms: round2(mean(rounds.map((r) => r.p99_ms))),
    non_2xx: rounds.reduce((a, r) => a + r.non_2xx, 0),
    errors: rounds.reduce((a, r) => a + r.errors + r.timeouts, 0),
  };
}

const { add: onStop, stopAll } = stopper();

async function main() {
  console.log(`bench: ${os.cpus().length} CPU(s), node ${process.version}, wrangler ${wranglerVersion()}`);
  const upstream = await startUpstreamProcess();
  onStop(upstream.stop);
  console.log(`bench: fake upstream ${upstream.url}`);
  const relay = await startRelay({ quiet: true });
  onStop(relay.stop);
  const { key } = await seedRelay(relay, upstream.url, MODEL);
  console.log(`bench: relay ${relay.url}`);
  const bare = await startPassthrough(upstream.url, 'passthrough');
  onStop(bare.stop);
  console.log(`bench: bare pass-through ${bare.url}`);
  const bareAssets = await startPassthrough(upstream.url, 'passthrough-assets');
  onStop(bareAssets.stop);
  console.log(`bench: bare pass-through with [assets] ${bareAssets.url}`);

  const json = { 'content-type': 'application/json' };
  const targets = {
    relay: {
      url: `${relay.url}/v1/chat/completions`,
      headers: { ...json, authorization: `Bearer ${key}` },
      pid: relay.pid,
      port: relay.port,
    },
    bare: { url: `${bare.url}/v1/chat/completions`, headers: json, pid: bare.pid, port: bare.port },
    bare_assets: {
      url: `${bareAssets.url}/v1/chat/completions`,
      headers: json,
      pid: bareAssets.pid,
      port: bareAssets.port,
    },
  };
  const names = Object.keys(targets);
  for (const [name, t] of Object.entries(targets)) {
    const answer = await checkOnce(t.url, t.headers);
    if (!answer.choices?.[0]?.message?.content)
      throw new Error(`${name} answered no completion: ${JSON.stringify(answer)}`);
  }

  console.log(`bench: warmup ${WARMUP} s each`);
  for (const name of names) await load(targets[name].url, targets[name].headers, WARMUP);

  const rounds = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 1; i <= ROUNDS; i++) {
    for (const name of names) {
      const t = targets[name];
      const before = groupCpuMs(t.pid, t.port);
      const result = await load(t.url, t.headers, DURATION);
      // The relay settles and flushes after it answers: its CPU is read once that work is done.
      await sleep(1000);
      const s = summarize(result, perRequest(before, groupCpuMs(t.pid, t.port), result.requests.total));
      rounds[name].push(s);
      const cpu = s.cpu_ms_per_request
        ? `  cpu ${s.cpu_ms_per_request.total} ms/req (worker runtime ${s.cpu_ms_per_request.runtime})`
        : '';
      console.log(
        `bench: round ${i} ${name.padEnd(11)} ${s.requests_per_s} req/s  p50 ${s.p50_ms} ms  p99 ${s.p99_ms} ms  non-2xx ${s.non_2xx}  errors ${s.errors + s.timeouts}${cpu}`,
      );
    }
  }

  const agg = Object.fromEntries(names.map((n) => [n, aggregate(rounds[n])]));
  const ratio = (a, b) => ({
    throughput: round2(a.requests_per_s / b.requests_per_s),
    p50: round2(a.p50_ms / b.p50_ms),
    p99: round2(a.p99_ms / b.p99_ms),
  });
  const ratios = ratio(agg.relay, agg.bare);
  const ratiosSameConfig = ratio(agg.relay, agg.bare_assets);
  const target = { throughput_min: 0.8, p50_max: 1.25 };
  const met = { throughput: ratios.throughput >= target.throughput_min, p50: ratios.p50 <= target.p50_max };

  const cell = (v, w) => String(v ?? '-').padStart(w);
  const row = (name, a) => {
    const c = a.cpu_ms_per_request;
    return `| ${name.padEnd(19)} | ${cell(a.requests_per_s, 7)} | ${cell(a.p50_ms, 6)} | ${cell(a.p99_ms, 6)} | ${cell(a.non_2xx + a.errors, 6)} | ${cell(c?.total, 9)} | ${cell(c?.runtime, 7)} | ${cell(c?.devProxy, 9)} | ${cell(c?.wrangler, 8)} |`;
  };
  const ratioRow = (name, r) =>
    `| ${name.padEnd(19)} | ${cell(`${r.throughput}x`, 7)} | ${cell(`${r.p50}x`, 6)} | ${cell(`${r.p99}x`, 6)} | ${cell('', 6)} | ${cell('', 9)} | ${cell('', 7)} | ${cell('', 9)} | ${cell('', 8)} |`;
  console.log('');
  console.log(
    '|                     |         |        |        |        | CPU ms per request                        |',
  );
  console.log(
    '| target              |   req/s | p50 ms | p99 ms | failed |     total | runtime | dev proxy | wrangler |',
  );
  console.log(
    '|---------------------|---------|--------|--------|--------|-----------|---------|-----------|----------|',
  );
  console.log(row('relay', agg.relay));
  console.log(row('bare', agg.bare));
  console.log(row('bare + [assets]', agg.bare_assets));
  console.log(ratioRow('relay / bare', ratios));
  console.log(ratioRow('relay / bare+assets', ratiosSameConfig));
  console.log('');
  console.log(
    `target: throughput >= ${target.throughput_min}x bare: ${met.throughput ? 'met' : 'MISSED'} (${ratios.throughput}x); p50 <= ${target.p50_max}x bare: ${met.p50 ? 'met' : 'MISSED'} (${ratios.p50}x)`,
  );
  console.log(
    `like for like (both with [assets]): ${ratiosSameConfig.throughput}x throughput, ${ratiosSameConfig.p50}x p50`,
  );
  if (names.some((n) => agg[n].non_2xx + agg[n].errors > 0)) {
    console.log('WARNING: some requests failed (non-2xx, errors or timeouts); the numbers above include them.');
  }

  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      memory_gib: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      wrangler: wranglerVersion(),
    },
    method: {
      tool: 'autocannon (programmatic)',
      connections: CONNECTIONS,
      duration_s: DURATION,
      warmup_s: WARMUP,
      rounds: ROUNDS,
      order: 'relay, bare, bare with [assets], in turn, each round',
      cpu: "utime + stime from /proc of each target's process group over the round and 1 s after it, divided by its requests",
      body: JSON.parse(BODY),
      upstream: 'scripts/fake-upstream.mjs, default scenario, separate Node process',
    },
    rounds,
    relay: agg.relay,
    bare: agg.bare,
    bare_assets: agg.bare_assets,
    ratios,
    ratios_same_config: ratiosSameConfig,
    target,
    met,
  };
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  writeFileSync(path.join(root, 'docs', 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('bench: wrote docs/benchmarks.json');
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  await stopAll();
}
process.exit(code);
