/** What the client needs of a fetch: SELF.fetch inside workerd, the global fetch in Node. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Headers; body: string | undefined },
) => Promise<Response>;

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, instead of `body`. */
  raw?: string;
  /** Bearer credentials; when several are given, `key` wins over `jwt`, and `jwt` over `token`. */
  jwt?: string;
  key?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  /** Parsed JSON; the text when the answer is not JSON; null when it is empty. */
  body: T;
  headers: Headers;
}

export interface NewUser {
  username: string;
  password: string;
  quota?: number;
  group?: string;
}

export interface CreatedUser {
  id: number;
  username: string;
  password: string;
  quota: number;
  group: string;
}

export interface CreatedToken {
  id: number;
  key: string;
  name: string;
  user_id: number;
}

export interface RelayClient {
  readonly baseUrl: string;
  call<T = Record<string, unknown>>(method: string, path: string, opts?: CallOptions): Promise<Answer<T>>;
  /** Like call(), but throws unless the status is `expected` (any 2xx when omitted). */
  callExpecting<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts?: CallOptions,
    expected?: number | readonly number[],
  ): Promise<Answer<T>>;
  /** Answers the session JWT. */
  login(username: string, password: string): Promise<string>;
  createUser(adminJwt: string, user: NewUser): Promise<CreatedUser>;
  /** A key for the caller, or for `fields.user_id` when the caller is an admin. */
  createToken(jwt: string, fields: { name: string } & Record<string, unknown>): Promise<CreatedToken>;
}

export function createClient(fetchFn: FetchLike, baseUrl: string): RelayClient;

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout's message. */
  what?: string;
}

/** Polls `probe` until it answers something truthy; answers that, or throws after timeoutMs. */
export function pollUntil<T>(probe: () => Promise<T | undefined | null | false>, opts?: PollOptions): Promise<T>;
