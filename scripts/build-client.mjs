#!/usr/bin/env node
// Builds what Workers Static Assets serves from public/: the dashboard's script (a typed module
// bundled by esbuild, the bundler wrangler itself uses), its stylesheet and icon, and the
// headers they are served with. wrangler runs this before `dev` and `deploy` ([build] in
// wrangler.toml); the vitest config runs it too.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
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

export async function buildClient({ quiet = false } = {}) {
  mkdirSync(assets, { recursive: true });
  await build({
    entryPoints: [path.join(source, 'main.ts')],
    outfile: path.join(assets, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
  });
  copyFileSync(path.join(source, 'app.css'), path.join(assets, 'app.css'));
  copyFileSync(path.join(source, 'favicon.svg'), path.join(assets, 'favicon.svg'));
  writeFileSync(path.join(out, '_headers'), HEADERS);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildClient();
}
