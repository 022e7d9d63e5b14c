// CPU time of a process group (a wrangler dev and everything it started), read from /proc, split
// into the parts of a local Worker under `wrangler dev`. Linux only; elsewhere it answers null.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * What each part of the group `pgid` has used so far, in ms. `port` is the Worker's public port:
 * the workerd listening on it is wrangler's dev proxy; the other workerd runs the Worker itself
 * (with its Durable Objects, D1 and KV, and, when `[assets]` is set, miniflare's asset router).
 * @returns {{ runtime: number, devProxy: number, wrangler: number } | null}
 */
export function groupCpuMs(pgid, port) {
  if (!existsSync('/proc/self/stat')) return null;
  const parts = { runtime: 0, devProxy: 0, wrangler: 0 };
  const msPerTick = 1000 / clockTicks();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state ppid pgrp ... utime (12th) stime (13th).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) !== pgid) continue;
      const ms = (Number(f[11]) + Number(f[12])) * msPerTick;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.includes('workerd')) parts.wrangler += ms;
      else if (cmd.includes(`entry=127.0.0.1:${port}`)) parts.devProxy += ms;
      else parts.runtime += ms;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return parts;
}

/** CPU ms per request of each part between two readings. */
export function perRequest(before, after, requests) {
  if (!before || !after || requests === 0) return null;
  const per = (k) => Number(((after[k] - before[k]) / requests).toFixed(3));
  const out = { runtime: per('runtime'), devProxy: per('devProxy'), wrangler: per('wrangler') };
  return { ...out, total: Number((out.runtime + out.devProxy + out.wrangler).toFixed(3)) };
}
