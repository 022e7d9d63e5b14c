#!/usr/bin/env node
// What a session's pin costs on the hot path, in workerd (miniflare): a KV read and write against
// a Durable Object call that reads (claim) or writes (move) the pin. Local numbers count only the
// runtime's own work, not the network: see README.md for what production adds to each.
// Run: node bench/session-store/run.mjs [calls=2000]
import { Miniflare } from 'miniflare';

const N = Number(process.argv[2] ?? 2000);
const script = `
import { DurableObject } from 'cloudflare:workers';
export class Pins extends DurableObject {
  async claim(p) { const s = await this.ctx.storage.get('pin'); if (s) return s; await this.ctx.storage.put('pin', p); return p; }
  async move(p) { await this.ctx.storage.put('pin', p); return p; }
}
const time = async (n, f) => { const t = performance.now(); for (let i = 0; i < n; i++) await f(i); return (performance.now() - t) / n; };
export default {
  async fetch(req, env) {
    const n = Number(new URL(req.url).searchParams.get('n'));
    const pin = { channelId: 1, keyIndex: 0 };
    await env.KV.put('s', JSON.stringify(pin));
    const stub = env.PINS.get(env.PINS.idFromName('s'));
    await stub.claim(pin);
    const out = {
      kv_get_ms: await time(n, () => env.KV.get('s', 'json')),
      kv_put_ms: await time(n, (i) => env.KV.put('s' + (i % 50), JSON.stringify(pin), { expirationTtl: 3660 })),
      do_claim_ms: await time(n, () => stub.claim(pin)),
      do_move_ms: await time(n, (i) => stub.move({ channelId: 1, keyIndex: i % 3 })),
      do_new_session_ms: await time(Math.min(n, 500), (i) => env.PINS.get(env.PINS.idFromName('new' + i)).claim(pin)),
    };
    return Response.json(out);
  },
};`;
const mf = new Miniflare({
  modules: true, script, compatibilityDate: '2026-04-01',
  kvNamespaces: ['KV'], durableObjects: { PINS: { className: 'Pins', useSQLite: true } },
});
try {
  const res = await mf.dispatchFetch(`http://bench/?n=${N}`);
  const r = await res.json();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(18)} ${v.toFixed(3)} ms per call`);
} finally {
  await mf.dispose();
}
