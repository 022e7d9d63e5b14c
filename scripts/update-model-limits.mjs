#!/usr/bin/env node
// Regenerates the relay's shipped model data from LiteLLM's public model table (BerriAI/litellm, MIT):
//   worker/billing/model-table.json   the copy: the table's rows the relay uses, with only the fields it reads
//                                     (the price sync falls back to it when its source cannot be read)
//   worker/billing/model-limits.json  model name -> maximum output tokens
//   worker/billing/model-prices.json  model name -> cache-write ratios and long-context tiers (shipped defaults)
//   worker/billing/model-limits.LICENSE.md  source, derivation and licence
//
//   node scripts/update-model-limits.mjs [<path-or-url-to-model_prices_and_context_window.json>] ["<copy note>"]
//
// Without a source it reads the shipped copy (no network needed) and keeps its copy note. The copy
// note (e.g. "commit 0123abc, 2025-11-28") is written to the licence file. The output depends only
// on the input, so reruns give the same files.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';

const MODES = new Set(['chat', 'completion', 'responses']);
const STRIPPED = ['anthropic/', 'gemini/', 'openai/', 'deepseek/', 'xai/', 'mistral/'];
/** The price fields the relay reads (besides `mode` and `max_output_tokens`). */
const PRICE_FIELDS = [
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'cache_creation_input_token_cost_above_1hr',
  'input_cost_per_token_above_200k_tokens',
  'output_cost_per_token_above_200k_tokens',
];
const LONG_CONTEXT_ABOVE = 200000;
/**
 * Published values that contradict the provider's own price list, corrected by hand (only while
 * the table still has the wrong value): LiteLLM gives Claude 3 Haiku and Claude 3 Opus the 1-hour
 * cache-write price of Claude Sonnet ($6 / MTok), where Anthropic bills 2x input ($0.50 and $30).
 */
const CORRECTIONS = [
  {
    model: 'claude-3-haiku-20240307',
    field: 'cache_creation_input_token_cost_above_1hr',
    published: 6e-6,
    value: 5e-7,
  },
  { model: 'claude-3-opus-20240229', field: 'cache_creation_input_token_cost_above_1hr', published: 6e-6, value: 3e-5 },
];
const out = (name) => new URL(`../worker/billing/${name}`, import.meta.url);
const TABLE_OUT = out('model-table.json');
const LICENSE_OUT = out('model-limits.LICENSE.md');

const [sourceArg, noteArg] = process.argv.slice(2);
const source = sourceArg ?? TABLE_OUT.pathname;
const isUrl = /^https?:\/\//.test(source);
const table = JSON.parse(isUrl ? await fetchText(source) : await readFile(source, 'utf8'));
const note = noteArg ?? (sourceArg ? (isUrl ? source : basename(source)) : await previousNote());

/** The output limit of one table entry, or null when it is not a text model with a known limit. */
function limitOf(entry) {
  if (!entry || typeof entry !== 'object' || !MODES.has(entry.mode)) return null;
  const max = entry.max_output_tokens;
  if (max !== undefined) return Number.isInteger(max) && max > 0 ? max : null;
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

const hasPrices = (entry) =>
  MODES.has(entry?.mode) &&
  typeof entry.input_cost_per_token === 'number' &&
  typeof entry.output_cost_per_token === 'number';

// One row per bare name: the smaller limit on a clash, prices from the unprefixed entry (else the first).
const rows = new Map();
for (const [key, entry] of Object.entries(table)) {
  const name = bareName(key);
  const limit = limitOf(entry);
  if (name === null || (limit === null && !hasPrices(entry))) continue;
  const row = rows.get(name) ?? { mode: entry.mode };
  if (limit !== null) row.max_output_tokens = Math.min(row.max_output_tokens ?? limit, limit);
  if (hasPrices(entry) && (!row.priced || key === name)) {
    for (const f of PRICE_FIELDS) delete row[f];
    for (const f of PRICE_FIELDS) if (typeof entry[f] === 'number') row[f] = entry[f];
    row.mode = entry.mode;
    row.priced = true;
  }
  rows.set(name, row);
}

for (const c of CORRECTIONS) {
  const row = rows.get(c.model);
  if (row?.[c.field] === c.published) row[c.field] = c.value;
}

const names = [...rows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const copy = names.map((n) => {
  const { priced, ...row } = rows.get(n);
  return `  ${JSON.stringify(n)}: ${JSON.stringify(row)}`;
});
const limitNames = names.filter((n) => rows.get(n).max_output_tokens !== undefined);
const priceLines = names.flatMap((n) => {
  const rates = ratesOf(rows.get(n));
  return rates ? [`  ${JSON.stringify(n)}: ${JSON.stringify(rates)}`] : [];
});
await writeFile(TABLE_OUT, `{\n${copy.join(',\n')}\n}\n`);
await writeFile(
  out('model-limits.json'),
  `{\n${limitNames.map((n) => `  ${JSON.stringify(n)}: ${rows.get(n).max_output_tokens}`).join(',\n')}\n}\n`,
);
await writeFile(out('model-prices.json'), `{\n${priceLines.join(',\n')}\n}\n`);
await writeFile(
  LICENSE_OUT,
  licenseNote(note, {
    rows: names.length,
    limits: limitNames.length,
    priced: names.filter((n) => rows.get(n).priced).length,
    rates: priceLines.length,
  }),
);
console.log(
  `wrote ${names.length} rows: ${limitNames.length} output limits, ${priceLines.length} models with cache-write ratios or tiers`,
);

/** Cache-write ratios and the long-context tier of a priced row, as ratios of its input and output prices. */
function ratesOf(row) {
  if (!row.priced || !(row.input_cost_per_token > 0)) return null;
  const rates = {};
  const input = row.input_cost_per_token;
  if (typeof row.cache_creation_input_token_cost === 'number')
    rates.cache_write_ratio = ratio(row.cache_creation_input_token_cost, input);
  if (typeof row.cache_creation_input_token_cost_above_1hr === 'number')
    rates.cache_write_1h_ratio = ratio(row.cache_creation_input_token_cost_above_1hr, input);
  if (typeof row.input_cost_per_token_above_200k_tokens === 'number') {
    const longOutput = row.output_cost_per_token_above_200k_tokens;
    rates.tiers = [
      {
        above_prompt_tokens: LONG_CONTEXT_ABOVE,
        prompt_multiplier: ratio(row.input_cost_per_token_above_200k_tokens, input),
        completion_multiplier:
          typeof longOutput === 'number' && row.output_cost_per_token > 0
            ? ratio(longOutput, row.output_cost_per_token)
            : 1,
      },
    ];
  }
  return Object.keys(rates).length > 0 ? rates : null;
}

/** a / b on exact decimals, rounded half up to 12 places (as worker/billing/decimal.ts `div` does). */
function ratio(a, b) {
  const [x, sx] = decimal(a);
  const [y, sy] = decimal(b);
  const num = x * 10n ** BigInt(sy + 12);
  const den = y * 10n ** BigInt(sx);
  const q = num / den + ((num % den) * 2n >= den ? 1n : 0n);
  return Number(`${q / 10n ** 12n}.${(q % 10n ** 12n).toString().padStart(12, '0')}`);
}

/** A non-negative number as [mantissa, scale], through its shortest decimal form (6e-06 -> [6n, 6]). */
function decimal(n) {
  const [digits, exp = '0'] = String(n).split('e');
  const [int, frac = ''] = digits.split('.');
  const scale = frac.length - Number(exp);
  const mantissa = BigInt(int + frac);
  return scale >= 0 ? [mantissa, scale] : [mantissa * 10n ** BigInt(-scale), 0];
}

async function previousNote() {
  const text = await readFile(LICENSE_OUT, 'utf8').catch(() => '');
  return /^copy: (.*)\.$/m.exec(text)?.[1] ?? 'the shipped copy';
}

async function fetchText(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}

function licenseNote(copy, n) {
  return `# Shipped model data: source and licence

Three files here are data derived from \`model_prices_and_context_window.json\` of LiteLLM
(https://github.com/BerriAI/litellm), by \`scripts/update-model-limits.mjs\`:

- \`model-table.json\` (${n.rows} rows): the copy of the table's rows the relay uses, with only the
  fields it reads (\`mode\`, \`max_output_tokens\`, and for ${n.priced} rows ${PRICE_FIELDS.map((f) => `\`${f}\``).join(', ')}).
  The price sync reads it where its source cannot be fetched or parsed.
- \`model-limits.json\`: ${n.limits} model names -> maximum output tokens.
- \`model-prices.json\`: ${n.rates} model names -> \`cache_write_ratio\` (\`cache_creation_input_token_cost\` / input),
  \`cache_write_1h_ratio\` (\`cache_creation_input_token_cost_above_1hr\` / input) and \`tiers\` (above
  ${LONG_CONTEXT_ABOVE} prompt tokens: \`input_cost_per_token_above_200k_tokens\` / input as the prompt multiplier,
  \`output_cost_per_token_above_200k_tokens\` / output as the completion multiplier), as exact decimals.
  These are the shipped defaults; the operator's values win.

Hand corrections (applied by the script, and only while the table still publishes the wrong
value): ${CORRECTIONS.map((c) => `\`${c.model}\` \`${c.field}\` ${c.published} -> ${c.value}`).join('; ')}. LiteLLM gives these
two models Claude Sonnet's 1-hour cache-write price; Anthropic bills a 1-hour write at 2x input.
No row was added by hand.

copy: ${copy}.

Derivation: entries whose \`mode\` is \`chat\`, \`completion\` or \`responses\` and that have a positive
integer \`max_output_tokens\` (the legacy \`max_tokens\` only when \`max_output_tokens\` is absent and
\`max_tokens\` is below \`max_input_tokens\`) or both an input and an output price. Names without a
provider prefix are kept as they are; the prefixes ${STRIPPED.map((p) => `\`${p}\``).join(', ')}
are stripped (when two entries give the same bare name the smaller limit is kept, and the prices of
the unprefixed entry); every other prefixed entry (bedrock/, azure/, vertex_ai/, openrouter/, ...)
is skipped. Keys are sorted.

Regenerate from the current table (pass a note naming the commit or date of the copy), or from the
shipped copy with no argument:

\`\`\`bash
node scripts/update-model-limits.mjs https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json "commit <sha>, <date>"
node scripts/update-model-limits.mjs
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
