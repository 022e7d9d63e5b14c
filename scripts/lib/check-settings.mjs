// Checks the relay's settings before wrangler starts, with the Worker's own zod schema
// (worker/env.ts, bundled on the fly), so a bad value stops `npm start` with a message naming
// the variable instead of failing on the first request.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The `[vars]` table of wrangler.toml: `KEY = "value"` lines, as this project writes them. */
function wranglerVars(root) {
  const text = readFileSync(path.join(root, 'wrangler.toml'), 'utf8');
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text);
  const vars = {};
  for (const line of (section?.[1] ?? '').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"(.*)"\s*$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

/**
 * @param {string} root the project folder
 * @param {Record<string, string>} overrides .dev.vars and --var values, later ones winning
 * @returns {Promise<string | null>} the error message, or null when the settings are good
 */
export async function checkSettings(root, overrides) {
  const bundle = await build({
    entryPoints: [path.join(root, 'worker', 'env.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  const source = bundle.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  try {
    mod.settingsOf({ ...wranglerVars(root), ...overrides });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
