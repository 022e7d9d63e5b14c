#!/usr/bin/env node
// `npm run mutate`: StrykerJS over the pure core (the modules in stryker.config.mjs), then the
// mutation score of each module and each file. Fails when a module scores below the threshold
// (or, for a module not there yet, below its floor in stryker.config.mjs).
//
//   npm run mutate                      every module
//   npm run mutate -- billing ip        those modules only
//   npm run mutate -- --ignore-static   without static mutants (quicker; scores not comparable)
//   npm run mutate -- --changed [base]  the modules whose files differ from base (default:
//                                       $MUTATE_BASE, else the merge base with origin/main, else
//                                       with main, else HEAD~1; all modules when there is none)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOORS, modules, THRESHOLD } from '../stryker.config.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = path.join(root, 'reports/mutation/mutation.json');

/** A glob of the config ('dir/*.ts' or a plain path) as a test on a repository path. */
const matcher = (glob) => {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return (file) => re.test(file);
};
const moduleOf = (file) => Object.keys(modules).find((name) => modules[name].some((g) => matcher(g)(file))) ?? null;

function git(...args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The modules with a file that differs between `base` (a ref) and the working tree. */
function changedModules(base) {
  const ref =
    base ??
    process.env.MUTATE_BASE ??
    git('merge-base', 'HEAD', 'origin/main') ??
    git('merge-base', 'HEAD', 'main') ??
    git('rev-parse', '--verify', '-q', 'HEAD~1');
  if (!ref) {
    console.log('mutate --changed: no base commit to compare with, so every module');
    return Object.keys(modules);
  }
  const files = (git('diff', '--name-only', ref) ?? '').split('\n').filter(Boolean);
  console.log(`mutate --changed: compared with ${ref.slice(0, 12)}`);
  return [...new Set(files.map(moduleOf).filter(Boolean))];
}

function chosen(argv) {
  const i = argv.indexOf('--changed');
  if (i >= 0) {
    const base = argv[i + 1] && !argv[i + 1].startsWith('-') ? argv[i + 1] : undefined;
    return changedModules(base);
  }
  const unknown = argv.filter((a) => !(a in modules));
  if (unknown.length)
    throw new Error(`unknown module(s) ${unknown.join(', ')}; known: ${Object.keys(modules).join(', ')}`);
  return argv.length ? argv : Object.keys(modules);
}

const counted = (s) => s === 'Killed' || s === 'Timeout' || s === 'Survived' || s === 'NoCoverage';
const detected = (s) => s === 'Killed' || s === 'Timeout';

function tally(mutants) {
  const valid = mutants.filter((m) => counted(m.status));
  const killed = valid.filter((m) => detected(m.status)).length;
  return { total: valid.length, killed, score: valid.length ? (100 * killed) / valid.length : 100 };
}

function report(names, seconds) {
  const files = JSON.parse(readFileSync(REPORT, 'utf8')).files;
  const rows = [];
  let failed = false;
  for (const name of names) {
    const mine = Object.entries(files).filter(
      ([file]) => moduleOf(path.relative(root, path.resolve(root, file))) === name,
    );
    const all = tally(mine.flatMap(([, f]) => f.mutants));
    const floor = FLOORS[name] ?? THRESHOLD;
    if (all.score < floor) failed = true;
    const note =
      all.score < floor
        ? `  FAILS: below ${floor}%`
        : all.score < THRESHOLD
          ? `  below the ${THRESHOLD}% target (floor ${floor}%)`
          : '';
    rows.push(
      `${name.padEnd(44)} ${all.score.toFixed(2).padStart(7)}%  ${String(all.killed).padStart(5)} / ${String(all.total).padEnd(5)}${note}`,
    );
    for (const [file, f] of mine.sort()) {
      const t = tally(f.mutants);
      const survivors = [
        ...new Set(f.mutants.filter((m) => !detected(m.status) && counted(m.status)).map((m) => m.location.start.line)),
      ].sort((a, b) => a - b);
      rows.push(
        `  ${path.relative(root, path.resolve(root, file)).padEnd(42)} ${t.score.toFixed(2).padStart(7)}%  ${String(t.killed).padStart(5)} / ${String(t.total).padEnd(5)}${survivors.length ? `  survivors at lines ${survivors.join(', ')}` : ''}`,
      );
    }
  }
  console.log(`\nmutation score by module (threshold ${THRESHOLD}%), ${seconds} s\n${rows.join('\n')}`);
  return !failed;
}

// --ignore-static skips mutants of module-level code (tables, constants): each of them reloads
// every test, which is most of a long run's time. Their scores are then not comparable.
const argv = process.argv.slice(2);
const ignoreStatic = argv.includes('--ignore-static');
const names = chosen(argv.filter((a) => a !== '--ignore-static'));
if (names.length === 0) {
  console.log('mutate: no module of the pure core changed; nothing to mutate');
  process.exit(0);
}
const globs = names.flatMap((n) => modules[n]);
console.log(`mutate: ${names.join(', ')}`);
const started = Date.now();
const run = spawnSync(
  'npx',
  ['stryker', 'run', 'stryker.config.mjs', '--mutate', globs.join(','), ...(ignoreStatic ? ['--ignoreStatic'] : [])],
  { cwd: root, stdio: 'inherit' },
);
if (run.status !== 0) process.exit(run.status ?? 1);
process.exit(report(names, ((Date.now() - started) / 1000).toFixed(0)) ? 0 : 1);
