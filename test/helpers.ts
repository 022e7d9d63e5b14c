import { SELF } from 'cloudflare:test';
import { inject } from 'vitest';
import { createClient, pollUntil, type Answer, type CallOptions } from './support/client.mjs';

export const BASE = 'http://relay.test';
export const ROOT = { username: 'root', password: 'root-password-for-tests' };

export type { Answer } from './support/client.mjs';

/** The relay under test, reached through the worker's own fetch. */
export const relay = createClient((url, init) => SELF.fetch(url, init), BASE);

let counter = 0;
/** A name unique across the test run, so files and tests never collide. */
export const uniq = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export const call = <T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer<T>> => relay.call<T>(method, path, opts);

export const login = (username: string, password: string): Promise<string> => relay.login(username, password);

export const rootJwt = () => login(ROOT.username, ROOT.password);

export interface TestUser {
  id: number;
  username: string;
  password: string;
  jwt: string;
}

export async function createUser(admin: string, opts: { quota?: number; group?: string } = {}): Promise<TestUser> {
  const { id, username, password } = await relay.createUser(admin, {
    username: uniq('u'),
    password: 'password-123',
    ...opts,
  });
  return { id, username, password, jwt: await login(username, password) };
}

export async function createToken(
  jwt: string,
  body: Record<string, unknown> = {},
): Promise<{ id: number; key: string }> {
  const { id, key } = await relay.createToken(jwt, { name: uniq('key'), ...body });
  return { id, key };
}

export const upstreamUrl = () => inject('upstreamUrl');

export async function createChannel(
  admin: string,
  body: Record<string, unknown> & { scenario?: string },
): Promise<{ id: number; scenario: string }> {
  const scenario = body.scenario ?? uniq('sc');
  const { scenario: _s, ...rest } = body;
  const res = await relay.callExpecting<{ id: number }>(
    'POST',
    '/api/channels',
    {
      jwt: admin,
      body: {
        name: `ch-${scenario}`,
        type: 'openai',
        base_url: `${upstreamUrl()}/s/${scenario}`,
        keys: [`upstream-key-${scenario}`],
        ...rest,
      },
    },
    201,
  );
  return { id: res.body.id, scenario };
}

export async function setPricing(admin: string, body: Record<string, unknown>): Promise<void> {
  await relay.callExpecting('PUT', '/api/pricing', { jwt: admin, body }, 200);
}

/** Sets the fake upstream's behaviour for one scenario. */
export async function upstreamMode(
  scenario: string,
  mode: string,
  options: Record<string, unknown> = {},
): Promise<void> {
  const res = await fetch(`${upstreamUrl()}/__control/${scenario}`, {
    method: 'PUT',
    body: JSON.stringify({ mode, ...options }),
  });
  if (!res.ok) throw new Error(`upstream control: ${res.status}`);
}

export interface UpstreamRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
  aborted: boolean;
}

export async function upstreamRequests(scenario: string): Promise<UpstreamRecord[]> {
  const res = await fetch(`${upstreamUrl()}/__control/${scenario}/requests`);
  return ((await res.json()) as { requests: UpstreamRecord[] }).requests;
}

export const waitFor = <T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  intervalMs = 50,
): Promise<T> => pollUntil(probe, { timeoutMs, intervalMs });

/** A ready customer: user with balance, a key, a priced model served by a fresh scenario. */
export async function setupCustomer(
  opts: {
    quota?: number;
    model?: string;
    price?: Record<string, unknown>;
    token?: Record<string, unknown>;
    channel?: Record<string, unknown>;
    group?: string;
  } = {},
) {
  const admin = await rootJwt();
  const model = opts.model ?? uniq('model-');
  await setPricing(admin, { models: { [model]: opts.price ?? { model_ratio: 1 } } });
  const channel = await createChannel(admin, { models: [model], groups: [opts.group ?? 'default'], ...opts.channel });
  const user = await createUser(admin, { quota: opts.quota ?? 1_000_000, group: opts.group });
  const token = await createToken(user.jwt, opts.token);
  return { admin, model, channel, user, token };
}

export const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'Hello there' }],
  ...extra,
});
