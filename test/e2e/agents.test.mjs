// The real coding agents pointed at the relay with a base URL and a key only: Claude Code 2.1.0
// (`claude -p`) and Codex CLI 0.171.0 (`codex exec`, Responses API), each on its native channel
// type and on a converted one, billed to the unit. Each runs with a throwaway HOME, only loopback
// addresses, and a time limit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RELAY_URL, balance, setupCustomer, upstreamRequests } from './helpers.mjs';

const bin = (name) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/.bin', name);
const USAGE = { prompt_tokens: 100, completion_tokens: 7 };
const PER_CALL = USAGE.prompt_tokens + USAGE.completion_tokens; // model_ratio 1
const SEARCH = 5000; // $10 per 1,000 web searches

/** Runs an agent in a fresh HOME; answers {code, stdout, stderr}. */
function run(cmd, args, env, setup = () => {}, timeoutMs = 90_000) {
  const home = mkdtempSync(path.join(tmpdir(), 'agent-home-'));
  setup(home);
  const base = { PATH: process.env.PATH, HOME: home, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: home,
      env: { ...base, ...env(home) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => {
      rmSync(home, { recursive: true, force: true });
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

const claude = (key, model, prompt) =>
  run(bin('claude'), ['-p', prompt, '--model', model, '--output-format', 'text'], () => ({
    ANTHROPIC_BASE_URL: RELAY_URL,
    ANTHROPIC_API_KEY: key,
    ANTHROPIC_SMALL_FAST_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
  }));

const codex = (key, model, prompt) =>
  run(
    bin('codex'),
    ['exec', '--skip-git-repo-check', prompt],
    (home) => ({ CODEX_HOME: path.join(home, '.codex'), RELAY_KEY: key }),
    (home) => {
      mkdirSync(path.join(home, '.codex'));
      writeFileSync(
        path.join(home, '.codex', 'config.toml'),
        [
          `model = "${model}"`,
          'model_provider = "relay"',
          '[model_providers.relay]',
          'name = "relay"',
          `base_url = "${RELAY_URL}/v1"`,
          'env_key = "RELAY_KEY"',
          'wire_api = "responses"',
          '',
        ].join('\n'),
      );
    },
  );

/** A customer on one channel of `type` whose fake upstream reports USAGE on every call. */
const customer = (type, mode = {}) =>
  setupCustomer({ type, channels: [{ mode: { mode: 'ok', usage: USAGE, ...mode } }] });

async function billedToTheUnit({ user, channel }, before, perSearch = 0) {
  const calls = (await upstreamRequests(channel.scenario)).filter((r) => !r.path.endsWith('/count_tokens'));
  assert.ok(calls.length > 0, 'the agent reached the upstream');
  const searches = calls.filter((r) =>
    (r.body?.tools ?? []).some((t) => String(t.type).startsWith('web_search')),
  ).length;
  const expected = calls.length * PER_CALL + searches * perSearch;
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(before - (await balance(user.id)), expected, `${calls.length} call(s), ${searches} with a search`);
  return calls;
}

describe('Claude Code 2.1.0 (claude -p)', () => {
  for (const type of ['anthropic', 'openai']) {
    test(`a plain call on an ${type} channel`, async () => {
      const c = await customer(type);
      const before = await balance(c.user.id);
      const r = await claude(c.token.key, c.model, 'Say hello.');
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /Hello from the fake upstream/);
      await billedToTheUnit(c, before);
    });
  }
});

describe('Codex CLI 0.171.0 (codex exec)', () => {
  for (const type of ['openai', 'anthropic']) {
    test(`a plain call on an ${type} channel`, async () => {
      const c = await customer(type);
      const before = await balance(c.user.id);
      const r = await codex(c.token.key, c.model, 'Say hello.');
      assert.equal(r.code, 0, r.stderr.slice(-3000) + r.stdout);
      assert.match(r.stdout, /Hello from the fake upstream/);
      // the fake runs one web search per call where search is offered (OpenAI's web_search, Anthropic's server tool)
      await billedToTheUnit(c, before, SEARCH);
    });
  }
});
