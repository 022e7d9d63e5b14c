#!/usr/bin/env node
// Builds what Workers Static Assets serves from public/: the dashboard's script (a typed module
// bundled by esbuild, the bundler wrangler itself uses), its stylesheet and icon, and the
// headers they are served with. wrangler runs this before `dev` and `deploy` ([build] in
// wrangler.toml); the vitest config runs it too.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'worker', 'dashboard', 'client');
const out = path.join(root, 'public');
const assets = path.join(out, 'assets');

// Served with revalidation (Static Assets answers 304 by ETag), so a deploy is seen at once.
const HEADERS = `/assets/*
  X-Content-Type-Options: nosniff
  Cache-Control: public, max-age=0, must-revalidate
`;

/**
 * Writes only what changed: a running `wrangler dev` reloads when a file under its assets
 * directory changes, which would cut the requests in flight of every relay started earlier.
 */
function writeIfChanged(file, content) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  if (existsSync(file) && readFileSync(file).equals(bytes)) return;
  writeFileSync(file, bytes);
}

export async function buildClient({ quiet = false } = {}) {
  mkdirSync(assets, { recursive: true });
  const result = await build({
    entryPoints: [path.join(source, 'main.ts')],
    outfile: path.join(assets, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
    write: false,
  });
  for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
  writeIfChanged(path.join(assets, 'app.css'), readFileSync(path.join(source, 'app.css')));
  writeIfChanged(path.join(assets, 'favicon.svg'), readFileSync(path.join(source, 'favicon.svg')));
  writeIfChanged(path.join(out, '_headers'), HEADERS);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildClient();
}
