/** Helpers shared by the relay integration tests (test/integration/relay-*.test.ts). */
import { call, waitFor } from '../helpers';

export type Err = { error: { message: string; type: string; code: string } };
export interface LogItem {
  request_id: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  status: number;
  attempts: number;
  channel_id: number | null;
  usage_counted: boolean;
  capped: boolean;
  ip: string | null;
  is_stream: boolean;
  model_ratio: number | null;
  completion_ratio: number | null;
  group_ratio: number | null;
  error_code: string | null;
}

/** The caller's log row for `requestId`, once it has been written. */
export async function logFor(jwt: string, requestId: string): Promise<LogItem> {
  return waitFor(async () => {
    const res = await call<{ items: LogItem[] }>('GET', '/api/logs?limit=100', { jwt });
    return res.body.items.find((r) => r.request_id === requestId);
  });
}

export async function balance(jwt: string, id: number): Promise<number> {
  return (await call<{ quota: number }>('GET', `/api/users/${id}`, { jwt })).body.quota;
}
