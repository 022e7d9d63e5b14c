#!/usr/bin/env node
// Regenerates worker/billing/model-limits.json (model name -> maximum output tokens) and its
// licence note from LiteLLM's public model table (BerriAI/litellm, MIT):
//
//   node scripts/update-model-limits.mjs <path-or-url-to-model_prices_and_context_window.json> ["<copy note>"]
//
// The copy note (e.g. "commit 0123abc, 2025-11-28") is written to the licence file; without it the
// URL or the file name is. The output depends only on the input, so reruns give the same files.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';

const MODES = new Set(['chat', 'completion', 'responses']);
const STRIPPED = ['anthropic/', 'gemini/', 'openai/', 'deepseek/', 'xai/', 'mistral/'];
const JSON_OUT = new URL('../worker/billing/model-limits.json', import.meta.url);
const LICENSE_OUT = new URL('../worker/billing/model-limits.LICENSE.md', import.meta.url);

const [source, note] = process.argv.slice(2);
if (!source) {
  console.error('usage: node scripts/update-model-limits.mjs <path-or-url> ["<copy note>"]');
  process.exit(2);
}
const isUrl = /^https?:\/\//.test(source);
const text = isUrl ? await fetchText(source) : await readFile(source, 'utf8');
const table = JSON.parse(text);

/** The output limit of one table entry, or null when it is not a text model with a known limit. */
function limitOf(entry) {
  if (!entry || typeof entry !== 'object' || !MODES.has(entry.mode)) return null;
  const out = entry.max_output_tokens;
  if (out !== undefined) return Number.isInteger(out) && out > 0 ? out : null;
  // max_tokens is legacy and ambiguous: use it only when it is clearly below the input window.
  const legacy = entry.max_tokens;
  const input = entry.max_input_tokens;
  return Number.isInteger(legacy) && legacy > 0 && Number.isInteger(input) && legacy < input ? legacy : null;
}

/** The bare name customers send, or null for a reseller/cloud entry (bedrock/, azure/, vertex_ai/, ...). */
function bareName(key) {
  if (!key.includes('/')) return key;
  const prefix = STRIPPED.find((p) => key.startsWith(p));
  const rest = prefix ? key.slice(prefix.length) : '';
  return rest && !rest.includes('/') ? rest : null;
}

const limits = new Map();
for (const [key, entry] of Object.entries(table)) {
  const name = bareName(key);
  const limit = limitOf(entry);
  if (name === null || limit === null) continue;
  const known = limits.get(name);
  limits.set(name, known === undefined ? limit : Math.min(known, limit)); // on a clash the smaller wins
}

const names = [...limits.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const body = names.map((n) => `  ${JSON.stringify(n)}: ${limits.get(n)}`).join(',\n');
await writeFile(JSON_OUT, `{\n${body}\n}\n`);
await writeFile(LICENSE_OUT, licenseNote(note ?? (isUrl ? source : basename(source)), names.length));
console.log(`wrote ${names.length} models to worker/billing/model-limits.json`);

async function fetchText(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}

function licenseNote(copy, count) {
  return `# model-limits.json: source and licence

\`model-limits.json\` maps ${count} model names to their maximum output tokens. It is data derived
from \`model_prices_and_context_window.json\` of LiteLLM (https://github.com/BerriAI/litellm),
copy: ${copy}.

Derivation (\`scripts/update-model-limits.mjs\`): entries whose \`mode\` is \`chat\`, \`completion\` or
\`responses\` and that have a positive integer \`max_output_tokens\` (the legacy \`max_tokens\` only
when \`max_output_tokens\` is absent and \`max_tokens\` is below \`max_input_tokens\`). Names without a
provider prefix are kept as they are; the prefixes ${STRIPPED.map((p) => `\`${p}\``).join(', ')}
are stripped (when two entries give the same bare name the smaller limit is kept); every other
prefixed entry (bedrock/, azure/, vertex_ai/, openrouter/, ...) is skipped. Keys are sorted.

Regenerate from the current table (pass a note naming the commit or date of the copy):

\`\`\`bash
node scripts/update-model-limits.mjs https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json "commit <sha>, <date>"
\`\`\`

## LiteLLM licence

LiteLLM's repository is MIT-licensed except for its enterprise directory (\`enterprise/\`), which
has its own licence; the model table lies outside it. The MIT licence of LiteLLM:

\`\`\`text
MIT License

Copyright (c) 2023 Berri AI

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
\`\`\`
`;
}
