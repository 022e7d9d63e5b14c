import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers';

const pins = () => env.SESSION_PINS.get(env.SESSION_PINS.idFromName(uniq('session:')));
const HOUR = 3_600_000;

describe('a session pin object', () => {
  it('keeps the first placement, whatever later callers propose', async () => {
    const stub = pins();
    const answers = await Promise.all([1, 2, 3, 4].map((channelId) => stub.claim({ channelId, keyIndex: null }, HOUR)));
    expect(new Set(answers.map((p) => p.channelId)).size).toBe(1);
    expect(await stub.claim({ channelId: 9, keyIndex: 0 }, HOUR)).toEqual(answers[0]);
  });

  it('moves once: a second move from the old pin is told where the first one went', async () => {
    const stub = pins();
    const from = await stub.claim({ channelId: 1, keyIndex: 0 }, HOUR);
    const [a, b] = await Promise.all([
      stub.move(from, { channelId: 2, keyIndex: 1 }, HOUR),
      stub.move(from, { channelId: 3, keyIndex: 0 }, HOUR),
    ]);
    expect(a).toEqual({ channelId: 2, keyIndex: 1 });
    expect(b).toEqual(a);
    expect(await stub.claim({ channelId: 1, keyIndex: 0 }, HOUR)).toEqual(a);
  });

  it('forgets a session after its time: the next claim places it afresh', async () => {
    const stub = pins();
    await stub.claim({ channelId: 1, keyIndex: 0 }, 50);
    await new Promise((r) => setTimeout(r, 80));
    expect(await stub.claim({ channelId: 2, keyIndex: null }, HOUR)).toEqual({ channelId: 2, keyIndex: null });
  });
});
