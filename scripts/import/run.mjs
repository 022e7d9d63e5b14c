// The import, step by step: open and recognise the source, apply migrations, read what the relay
// holds, plan every table group, refuse or report, then write each group as one batch.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, executeFile } from './d1.mjs';
import { planChannels } from './plan-channels.mjs';
import { planLogs } from './plan-logs.mjs';
import { optionsOf, planCodes, planPrices } from './plan-prices.mjs';
import { planTokens, planUsers } from './plan-users.mjs';
import { detectFlavor, openSource } from './source.mjs';
import { readRelay } from './state.mjs';
import { summary } from './summary.mjs';

/** The relay's own quota unit: 500000 per US dollar (worker/billing/charge.ts). */
const QUOTA_PER_USD = 500_000;

/** Channel types the relay's Worker serves, read from its provider table. */
function servedTypes(root) {
  const text = readFileSync(path.join(root, 'worker', 'relay', 'providers', 'index.ts'), 'utf8');
  const table = /const providers[^=]*=\s*\{([^}]*)\}/.exec(text)?.[1] ?? 'openai, anthropic';
  return new Set(
    table
      .split(',')
      .map((s) => s.trim().split(':')[0].trim())
      .filter(Boolean),
  );
}

/** Exact scaling of balances and ratios when the old site's QuotaPerUnit is not 500000. */
function scaling(qpuValue) {
  const qpu = Number(qpuValue ?? QUOTA_PER_USD);
  const toInt = (n) => Math.trunc(Number.isFinite(Number(n)) ? Number(n) : 0);
  if (!Number.isFinite(qpu) || qpu <= 0 || qpu === QUOTA_PER_USD) return { units: toInt, ratio: (r) => r, note: null };
  const exact = Number.isInteger(qpu);
  const units = (n) =>
    exact
      ? Number((BigInt(toInt(n)) * BigInt(QUOTA_PER_USD)) / BigInt(qpu))
      : Math.floor((toInt(n) * QUOTA_PER_USD) / qpu);
  const note = `The old site counted ${qpu} quota per US dollar; the relay counts ${QUOTA_PER_USD}. Balances, key quotas, code values and used totals were multiplied by ${QUOTA_PER_USD}/${qpu} (rounded down to a whole unit) and model ratios by the same factor, so every balance is worth the same dollars and the same request costs the same dollars. Per-call prices are in dollars and were kept.`;
  return { units, ratio: (r) => (r * QUOTA_PER_USD) / qpu, note };
}

/** @param {Record<string, unknown>} opts */
function contextOf(opts, src, flavor, relay) {
  const scale = scaling(optionsOfRows(src).get('QuotaPerUnit'));
  const ctx = {
    source: opts.source || flavor,
    flavor,
    now: Date.now(),
    rows: src.rows,
    has: (t, c) => (c ? (src.columns.get(t)?.includes(c) ?? false) : src.columns.has(t)),
    units: scale.units,
    ratio: scale.ratio,
    ...relay,
    adminUsername: opts.adminUsername,
    servedTypes: servedTypes(opts.root),
    merge: opts.merge,
    withLogs: opts.withLogs,
    encryptionKey: opts.encryptionKey ?? (opts.dryRun ? randomBytes(32).toString('base64') : null),
    skipped: [],
    notes: [],
  };
  return { ctx, scaleNote: scale.note };
}

const optionsOfRows = (src) => optionsOf({ rows: src.rows });

/** Users of the relay's own (not imported, not the bootstrap admin): an import needs --merge then. */
function ownUsers(ctx) {
  const imported = new Set(ctx.mapped.get('user')?.values() ?? []);
  return ctx.relayUsers.filter((u) => !imported.has(u.id) && u.username !== ctx.adminUsername);
}

async function plan(ctx) {
  const users = planUsers(ctx);
  const tokens = await planTokens(ctx);
  const channels = await planChannels(ctx);
  return [users, tokens, channels, planPrices(ctx), await planCodes(ctx), planLogs(ctx)];
}

/** Writes each group as one file, one `d1 execute`; stops at the first that fails. */
function write(target, groups) {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-import-'));
  const results = [];
  let failed = null;
  try {
    for (const g of groups) {
      if (failed) results.push({ ...g, outcome: 'not run' });
      else if (g.statements.length === 0) results.push({ ...g, outcome: 'unchanged' });
      else {
        const file = path.join(dir, `${g.name}.sql`);
        writeFileSync(file, g.statements.join('\n'), { mode: 0o600 });
        failed = executeFile(target, file);
        results.push({ ...g, outcome: failed ? 'FAILED' : 'written' });
        if (failed) console.error(`import: writing ${g.name} failed, nothing of it went in: ${failed}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { results, ok: !failed };
}

const EMPTY = {
  relayUsers: [],
  mapped: new Map(),
  nextId: { users: 1, tokens: 1, channels: 1, redemption_codes: 1 },
  keyHashes: new Set(),
  codeHashes: new Set(),
  prices: new Map(),
  groups: new Map(),
};

/** A dry run touches nothing: a local database that is not there yet (or not migrated) reads as empty. */
function readForDryRun(opts, flavor) {
  const dir = opts.target.stateDir ?? path.join(opts.root, '.wrangler', 'state');
  if (!opts.remote && !existsSync(path.join(dir, 'v3', 'd1'))) return EMPTY;
  try {
    return readRelay(opts.target, opts.source || flavor);
  } catch (err) {
    if (/no such table/i.test(String(err))) return EMPTY;
    throw err;
  }
}

/** @param {Record<string, any>} opts @returns {Promise<number>} */
export async function run(opts) {
  const src = await openSource(opts.file);
  const flavor = detectFlavor(src);
  if (!opts.dryRun) applyMigrations(opts.target);
  const relay = opts.dryRun ? readForDryRun(opts, flavor) : readRelay(opts.target, opts.source || flavor);
  const { ctx, scaleNote } = contextOf(opts, src, flavor, relay);
  const own = ownUsers(ctx);
  if (own.length && !opts.merge) {
    console.error(
      `import: the relay already has ${own.length} user(s) of its own (${own
        .slice(0, 5)
        .map((u) => u.username)
        .join(
          ', ',
        )}). Nothing was written. Run again with --merge to import beside them (clashing usernames are skipped and reported).`,
    );
    return 2;
  }
  const groups = await plan(ctx);
  const base = {
    dryRun: opts.dryRun,
    remote: opts.remote,
    flavor,
    format: src.format,
    file: path.basename(opts.file),
    ctx,
    scaleNote,
  };
  if (opts.dryRun) {
    console.log(
      summary({
        ...base,
        results: groups.map((g) => ({ ...g, outcome: g.statements.length ? 'would write' : 'unchanged' })),
      }),
    );
    return 0;
  }
  const { results, ok } = write(opts.target, groups);
  console.log(summary({ ...base, results }));
  return ok ? 0 : 1;
}
