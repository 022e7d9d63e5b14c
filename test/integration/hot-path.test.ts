import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { chatBody, setupCustomer, upstreamUrl } from '../helpers';

type Event = 'd1' | 'kv' | 'upstream';

/** Wraps a binding so every method call is recorded before it runs. */
function recording<T extends object>(target: T, label: Event, events: Event[]): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        events.push(label);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

async function relayOnce(key: string, model: string, events: Event[]): Promise<Response> {
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(upstreamUrl())) events.push('upstream');
    return realFetch(input, init);
  }) as typeof fetch;
  try {
    const instrumented = { ...env, DB: recording(env.DB, 'd1', events), KV: recording(env.KV, 'kv', events) };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request('http://relay.test/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(model)),
      }),
      instrumented,
      ctx,
    );
    await res.text();
    await waitOnExecutionContext(ctx);
    return res;
  } finally {
    globalThis.fetch = realFetch;
  }
}

describe('hot path', () => {
  it('makes no D1 query before the upstream fetch on a warm isolate', async () => {
    const { token, model } = await setupCustomer();
    const cold: Event[] = [];
    expect((await relayOnce(token.key, model, cold)).status).toBe(200);
    // the instrumentation sees D1: a never-seen key is looked up there once
    expect(cold.slice(0, cold.indexOf('upstream'))).toContain('d1');
    const warm: Event[] = [];
    expect((await relayOnce(token.key, model, warm)).status).toBe(200);
    const beforeUpstream = warm.slice(0, warm.indexOf('upstream'));
    expect(warm).toContain('upstream');
    expect(beforeUpstream).not.toContain('d1');
    // nothing at all is written to D1 by the request itself: logs and charges go through the account object
    expect(warm).not.toContain('d1');
  });
});
