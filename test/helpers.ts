import { SELF } from 'cloudflare:test';
import { inject } from 'vitest';

export const BASE = 'http://relay.test';
export const ROOT = { username: 'root', password: 'root-password-for-tests' };

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

let counter = 0;
/** A name unique across the test run, so files and tests never collide. */
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export async function call<T = Record<string, unknown>>(
  method: string, path: string, opts: { body?: unknown; jwt?: string; key?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (opts.jwt) headers.authorization = `Bearer ${opts.jwt}`;
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  const res = await SELF.fetch(`${BASE}${path}`, {
    method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export async function login(username: string, password: string): Promise<string> {
  const res = await call<{ token: string }>('POST', '/api/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export const rootJwt = () => login(ROOT.username, ROOT.password);

export interface TestUser {
  id: number;
  username: string;
  password: string;
  jwt: string;
}

export async function createUser(admin: string, opts: { quota?: number; group?: string } = {}): Promise<TestUser> {
  const username = uniq('u');
  const password = 'password-123';
  const res = await call<{ id: number }>('POST', '/api/users', { jwt: admin, body: { username, password, quota: opts.quota ?? 0, group: opts.group ?? 'default' } });
  if (res.status !== 201) throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, username, password, jwt: await login(username, password) };
}

export async function createToken(jwt: string, body: Record<string, unknown> = {}): Promise<{ id: number; key: string }> {
  const res = await call<{ id: number; key: string }>('POST', '/api/tokens', { jwt, body: { name: uniq('key'), ...body } });
  if (res.status !== 201) throw new Error(`create token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const upstreamUrl = () => inject('upstreamUrl');

export async function createChannel(admin: string, body: Record<string, unknown> & { scenario?: string }): Promise<{ id: number; scenario: string }> {
  const scenario = body.scenario ?? uniq('sc');
  const { scenario: _s, ...rest } = body;
  const res = await call<{ id: number }>('POST', '/api/channels', {
    jwt: admin,
    body: { name: `ch-${scenario}`, type: 'openai', base_url: `${upstreamUrl()}/s/${scenario}`, keys: [`upstream-key-${scenario}`], ...rest },
  });
  if (res.status !== 201) throw new Error(`create channel: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, scenario };
}

export async function setPricing(admin: string, body: Record<string, unknown>): Promise<void> {
  const res = await call('PUT', '/api/pricing', { jwt: admin, body });
  if (res.status !== 200) throw new Error(`set pricing: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Sets the fake upstream's behaviour for one scenario. */
export async function upstreamMode(scenario: string, mode: string, options: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${upstreamUrl()}/__control/${scenario}`, { method: 'PUT', body: JSON.stringify({ mode, ...options }) });
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

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A ready customer: user with balance, a key, a priced model served by a fresh scenario. */
export async function setupCustomer(opts: { quota?: number; model?: string; price?: Record<string, unknown>; token?: Record<string, unknown>; channel?: Record<string, unknown>; group?: string } = {}) {
  const admin = await rootJwt();
  const model = opts.model ?? uniq('model-');
  await setPricing(admin, { models: { [model]: opts.price ?? { model_ratio: 1 } } });
  const channel = await createChannel(admin, { models: [model], groups: [opts.group ?? 'default'], ...opts.channel });
  const user = await createUser(admin, { quota: opts.quota ?? 1_000_000, group: opts.group });
  const token = await createToken(user.jwt, opts.token);
  return { admin, model, channel, user, token };
}

export const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Hello there' }], ...extra });
