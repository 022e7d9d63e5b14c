import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import worker from '../../worker/index';
import { call, createUser, rootJwt, setPricing, uniq } from '../helpers';
import { confirmAddress, noticesTo, waitForNotices } from '../support/mail';

interface Fields {
  model_ratio: number | null;
  completion_ratio: number | null;
  cache_ratio: number | null;
  cache_write_ratio: number | null;
  cache_write_1h_ratio: number | null;
  tiers: unknown;
}
interface Sync {
  dry_run: boolean;
  source: string;
  source_error: string | null;
  changed: { model: string; before: Fields; after: Fields }[];
  skipped: { model: string; reason: string }[];
}
interface PriceView {
  model: string;
  model_ratio: number | null;
  completion_ratio: number | null;
  cache_ratio: number | null;
  cache_write_ratio: number;
  cache_write_1h_ratio: number;
  tiers: unknown;
  pinned: boolean;
}

const TIER = { above_prompt_tokens: 200_000, prompt_multiplier: 2, completion_multiplier: 1.5 };
/** A full row of the table: $2.50 / $10 per MTok, reads 0.5x, writes 1.25x and 2x, prompts over 200k 2x and 1.5x. */
const FULL_ROW = {
  input_cost_per_token: 2.5e-6,
  output_cost_per_token: 1e-5,
  cache_read_input_token_cost: 1.25e-6,
  cache_creation_input_token_cost: 3.125e-6,
  cache_creation_input_token_cost_above_1hr: 5e-6,
  input_cost_per_token_above_200k_tokens: 5e-6,
  output_cost_per_token_above_200k_tokens: 1.5e-5,
  litellm_provider: 'openai',
  mode: 'chat',
  max_output_tokens: 16384,
};

/** Serves `body` (a table, or any text) from the local source; answers its URL. */
async function serveTable(body: unknown): Promise<string> {
  const url = `${inject('priceSourceUrl')}/tables/${uniq('t')}`;
  const res = await fetch(url, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
  expect(res.status).toBe(204);
  return url;
}

async function setSync(admin: string, settings: Record<string, unknown>): Promise<void> {
  const res = await call('PUT', '/api/options', { jwt: admin, body: { price_sync: settings } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function sync(admin: string, body: Record<string, unknown> = {}): Promise<Sync> {
  const res = await call<Sync>('POST', '/api/pricing/sync', { jwt: admin, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function pricesOf(models: string[]): Promise<Record<string, PriceView>> {
  const res = await call<{ models: PriceView[] }>('GET', '/api/pricing');
  return Object.fromEntries(res.body.models.filter((m) => models.includes(m.model)).map((m) => [m.model, m]));
}

afterAll(async () => {
  await setSync(await rootJwt(), { enabled: false, models: ['gpt-*', 'o*'], markup: 1, max_change: 0.5 });
});

describe('price sync', () => {
  it('sets exact ratios for priced, unpinned models matching the patterns, and skips the rest with the reason; a dry run changes nothing', async () => {
    const admin = await rootJwt();
    const p = uniq('ps-');
    const [synced, pinned, missing, half, outside, jump] = ['a', 'pinned', 'missing', 'half', 'x', 'jump'].map(
      (s) => `${p}-${s}`,
    );
    const outsideName = `other-${outside}`;
    const url = await serveTable({
      [synced]: FULL_ROW,
      [pinned]: FULL_ROW,
      [half]: { input_cost_per_token: 1e-6, mode: 'chat' },
      [outsideName]: FULL_ROW,
      [jump]: { input_cost_per_token: 1e-5, output_cost_per_token: 3e-5 },
    });
    await setPricing(admin, {
      models: {
        [synced]: { model_ratio: 1.25, completion_ratio: 4 },
        [pinned]: { model_ratio: 1, pinned: true },
        [missing]: { model_ratio: 1 },
        [half]: { model_ratio: 1 },
        [outsideName]: { model_ratio: 1 },
        [jump]: { model_ratio: 1, completion_ratio: 3 },
      },
    });
    await setSync(admin, { source_url: url, models: [`${p}-*`], markup: 1.2, max_change: 0.5 });

    const dry = await sync(admin, { dry_run: true });
    expect(dry).toMatchObject({ dry_run: true, source: 'source_url', source_error: null });
    expect(dry.changed).toEqual([
      {
        model: synced,
        before: {
          model_ratio: 1.25,
          completion_ratio: 4,
          cache_ratio: null,
          cache_write_ratio: null,
          cache_write_1h_ratio: null,
          tiers: null,
        },
        // 2.5e-6 / 0.000002 * 1.2 = 1.5 exactly; 1e-5 / 2.5e-6 = 4; and so on, as decimals
        after: {
          model_ratio: 1.5,
          completion_ratio: 4,
          cache_ratio: 0.5,
          cache_write_ratio: 1.25,
          cache_write_1h_ratio: 2,
          tiers: [TIER],
        },
      },
    ]);
    expect(dry.skipped).toEqual([
      { model: half, reason: 'half_row' },
      { model: jump, reason: 'max_change' },
      { model: missing, reason: 'missing' },
      { model: pinned, reason: 'pinned' },
    ]);
    expect((await pricesOf([synced]))[synced]).toMatchObject({ model_ratio: 1.25, cache_ratio: null });

    const real = await sync(admin);
    expect({ changed: real.changed, skipped: real.skipped }).toEqual({ changed: dry.changed, skipped: dry.skipped });
    const after = await pricesOf([synced, pinned, missing, half, outsideName, jump]);
    expect(after[synced]).toMatchObject({
      model_ratio: 1.5,
      completion_ratio: 4,
      cache_ratio: 0.5,
      cache_write_ratio: 1.25,
      cache_write_1h_ratio: 2,
      tiers: [TIER],
      pinned: false,
    });
    expect(after[pinned]).toMatchObject({ model_ratio: 1, completion_ratio: null, pinned: true });
    for (const m of [missing, half, outsideName])
      expect(after[m]).toMatchObject({ model_ratio: 1, completion_ratio: null });
    expect(after[jump]).toMatchObject({ model_ratio: 1, completion_ratio: 3 });

    // Recorded as a price change made by the sync, and shown as the last sync.
    const history = await call<{
      items: { source: string; changed_by: number | null; change: { models: Record<string, unknown> } }[];
    }>('GET', '/api/pricing/history?limit=20', { jwt: admin });
    const entry = history.body.items.find((h) => h.source === 'sync' && synced in (h.change.models ?? {}));
    expect(entry).toMatchObject({ changed_by: null, change: { models: { [synced]: dry.changed[0].after } } });
    expect((await call<Sync>('GET', '/api/pricing/sync', { jwt: admin })).body).toMatchObject({
      dry_run: false,
      changed: [{ model: synced }],
    });

    // The same table again changes nothing.
    expect((await sync(admin)).changed).toEqual([]);
  });

  it('the price editor shows which models follow the table and which are pinned, with a pin toggle and the last sync', async () => {
    const admin = await rootJwt();
    const p = uniq('pse-');
    const [follows, pinned] = [`${p}-f`, `${p}-p`];
    await setPricing(admin, {
      models: { [follows]: { model_ratio: 1.25, completion_ratio: 4 }, [pinned]: { model_ratio: 1, pinned: true } },
    });
    await setSync(admin, {
      source_url: await serveTable({ [follows]: FULL_ROW, [pinned]: FULL_ROW }),
      models: [`${p}-*`],
      markup: 1,
      max_change: 0.5,
    });
    await sync(admin);
    const html = String(
      (await call<string>('GET', '/admin/pricing', { headers: { cookie: `relay_session=${admin}` } })).body,
    );
    const rowOf = (model: string) =>
      html.slice(html.indexOf(`value="${model}"`), html.indexOf('</tr>', html.indexOf(`value="${model}"`)));
    expect(rowOf(follows)).toContain('data-sync-state="follows"');
    expect(rowOf(follows)).toMatch(/name="pinned"(?![^>]*checked)/);
    expect(rowOf(follows)).toContain('value="200000:2:1.5"');
    expect(rowOf(pinned)).toContain('data-sync-state="pinned"');
    expect(rowOf(pinned)).toMatch(/name="pinned"[^>]*checked/);
    const card = html.slice(html.indexOf('data-testid="price-sync-last"'));
    expect(card).toContain(`${follows} (1.25 -&gt; 1.25)`);
    expect(card).toContain(`${pinned} (pinned)`);
    // The public page shows the cache-write prices and the tier.
    const pub = String((await call<string>('GET', '/pricing')).body);
    const row = pub.slice(pub.indexOf(`data-model="${follows}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(
      /price-cache-write"[^>]*>\$3\.125<[\s\S]*price-cache-write-1h"[^>]*>\$5\.00<[\s\S]*over 200,000 prompt tokens: input x2, output x1\.5/,
    );
  });

  it('refuses callers who are not admins, and bodies it does not know', async () => {
    const admin = await rootJwt();
    const user = await createUser(admin);
    expect((await call('POST', '/api/pricing/sync', { jwt: user.jwt, body: {} })).status).toBe(403);
    expect((await call('POST', '/api/pricing/sync', { body: {} })).status).toBe(401);
    expect((await call('POST', '/api/pricing/sync', { jwt: admin, body: { dry_run: 'yes' } })).status).toBe(400);
    for (const bad of [{ models: [] }, { markup: 0 }, { source_url: 'ftp://x' }, { max_change: -1 }, { surprise: 1 }]) {
      expect(
        (await call('PUT', '/api/options', { jwt: admin, body: { price_sync: bad } })).status,
        JSON.stringify(bad),
      ).toBe(400);
    }
  });

  it('uses the shipped copy when the source answers garbage or nothing, and breaks nothing', async () => {
    const admin = await rootJwt();
    const model = 'gpt-5.2-chat-latest';
    await setPricing(admin, { models: { [model]: { model_ratio: 0.8, completion_ratio: 8 } } });
    try {
      for (const url of [
        await serveTable('<html>not a table'),
        await serveTable([1, 2]),
        `${inject('priceSourceUrl')}/tables/${uniq('absent')}`,
      ]) {
        await setSync(admin, { source_url: url, models: [model], markup: 1, max_change: 0.5 });
        const dry = await sync(admin, { dry_run: true });
        expect(dry.source).toBe('shipped');
        expect(dry.source_error).toBeTruthy();
        // The shipped row: $1.75 / $14 per MTok, reads $0.175.
        expect(dry.changed).toEqual([
          {
            model,
            before: expect.anything(),
            after: {
              model_ratio: 0.875,
              completion_ratio: 8,
              cache_ratio: 0.1,
              cache_write_ratio: null,
              cache_write_1h_ratio: null,
              tiers: null,
            },
          },
        ]);
      }
      expect((await pricesOf([model]))[model]).toMatchObject({ model_ratio: 0.8 });
    } finally {
      await setPricing(admin, { models: { [model]: null } });
    }
  });

  it('mails each subscriber once per change', async () => {
    const admin = await rootJwt();
    const model = uniq('psm-');
    await setPricing(admin, { models: { [model]: { model_ratio: 1, completion_ratio: 4 } } });
    await new Promise((r) => setTimeout(r, 1500)); // that change's fan-out passes before the subscriber subscribes
    const user = await createUser(admin);
    const address = `${uniq('ps')}@example.test`;
    await confirmAddress(user.jwt, user.password, address, { price_changes: { enabled: true, models: [model] } });
    await setSync(admin, {
      source_url: await serveTable({ [model]: FULL_ROW }),
      models: [model],
      markup: 1,
      max_change: 0.5,
    });
    expect((await sync(admin)).changed.map((c) => c.model)).toEqual([model]);
    const [mail] = await waitForNotices(address);
    expect(mail.text).toContain(`${model}: input $2 / output $8 -> input $2.5 / output $10`);
    expect((await sync(admin)).changed).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await noticesTo(address)).toHaveLength(1);
  });

  it('runs nightly in the maintenance window through the scheduled handler, once a night, only when enabled', async () => {
    const admin = await rootJwt();
    const model = uniq('psn-');
    await setPricing(admin, { models: { [model]: { model_ratio: 1, completion_ratio: 4 } } });
    const url = await serveTable({ [model]: FULL_ROW });
    const fire = async (scheduledTime: number) => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '*/10 17-20 * * *', scheduledTime }), env, ctx);
      await waitOnExecutionContext(ctx);
    };
    const night = Date.UTC(2031, 0, 10, 18, 0); // 02:00 in Shanghai
    await setSync(admin, { enabled: false, source_url: url, models: [model], markup: 1, max_change: 0.5 });
    await fire(night);
    expect((await pricesOf([model]))[model].model_ratio).toBe(1);

    await setSync(admin, { enabled: true });
    await fire(Date.UTC(2031, 0, 10, 8, 0)); // 16:00 in Shanghai: outside the window
    expect((await pricesOf([model]))[model].model_ratio).toBe(1);
    await fire(night + 24 * 3600_000);
    expect((await pricesOf([model]))[model]).toMatchObject({
      model_ratio: 1.25,
      completion_ratio: 4,
      cache_ratio: 0.5,
      tiers: [TIER],
    });
    const runs = await call<{
      items: { job: string; trigger: string; rows: number; details: { changed?: { model: string }[] } }[];
    }>('GET', '/api/maintenance/runs?limit=20', { jwt: admin });
    const run = runs.body.items.find((r) => r.job === 'price_sync' && r.rows > 0);
    expect(run?.details.changed?.map((c) => c.model)).toEqual([model]);

    // Ten minutes later, the same night: it does not run again.
    await setPricing(admin, { models: { [model]: { model_ratio: 1 } } });
    await fire(night + 24 * 3600_000 + 600_000);
    expect((await pricesOf([model]))[model].model_ratio).toBe(1);
  });
});
