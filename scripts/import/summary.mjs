// The report printed after (or instead of, with --dry-run) the writes. It names tables, counts,
// usernames and channel names; never a key, a password hash or an upstream key.

/**
 * @param {{ dryRun: boolean, remote: boolean, flavor: string, format: string, file: string, results: { name: string, counts: Record<string, number>, outcome: string }[],
 *   ctx: import('./util.mjs').Ctx, scaleNote: string | null }} r
 * @returns {string}
 */
export function summary(r) {
  const out = [];
  const where = r.remote ? 'the deployed D1 database (--remote)' : 'the local D1 database';
  out.push(
    `Import of a ${r.flavor} database (${r.format}) from ${r.file} into ${where}${r.dryRun ? ' — DRY RUN, nothing was written' : ''}`,
  );
  if (r.scaleNote) out.push('', r.scaleNote);
  out.push('', r.dryRun ? 'Would write:' : 'Written (each group is one all-or-nothing batch):');
  for (const g of r.results) {
    const counts =
      Object.entries(g.counts)
        .filter(([t, n]) => t !== 'import_map' && n > 0)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'nothing new';
    out.push(`  ${g.name.padEnd(9)} ${g.outcome.padEnd(13)} ${counts}`);
  }
  out.push(...skippedLines(r.ctx.skipped));
  if (r.ctx.notes.length) out.push('', 'Notes:', ...r.ctx.notes.map((n) => `  - ${n}`));
  out.push('', 'Next steps:', ...nextSteps(r));
  return out.join('\n');
}

/** @param {import('./util.mjs').Skip[]} skipped */
function skippedLines(skipped) {
  if (skipped.length === 0) return ['', 'Skipped: nothing.'];
  const byWhy = new Map();
  for (const s of skipped) {
    const key = `${s.kind}: ${s.why}`;
    byWhy.set(key, [...(byWhy.get(key) ?? []), s.name || `#${s.id}`]);
  }
  const lines = ['', 'Skipped:'];
  for (const [why, names] of byWhy)
    lines.push(`  - ${names.length} ${why} (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`);
  return lines;
}

function nextSteps(r) {
  if (r.dryRun) return ['  - run the same command without --dry-run to write it'];
  const failed = r.results.some((g) => g.outcome === 'FAILED' || g.outcome === 'not run');
  return [
    ...(failed
      ? [
          '  - fix the error above and run the same command again: what went in is kept and skipped, the rest is written',
        ]
      : []),
    r.remote
      ? '  - set the secrets on the Worker (wrangler secret put ENCRYPTION_KEY / JWT_SECRET / ADMIN_PASSWORD): ENCRYPTION_KEY must be the one used here'
      : '  - start the relay with `npm start` (same .dev.vars: its ENCRYPTION_KEY sealed the channel keys)',
    "  - point the old site's DNS name at the Worker (a custom domain or route), so clients keep their base URL",
    "  - customers log in with their old passwords; each is moved to the relay's own hash at its first login",
  ];
}
