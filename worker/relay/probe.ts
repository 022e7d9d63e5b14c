import type { Env } from '../env';
import { settingsOf } from '../env';
import type { ChannelRecord } from '../db/snapshots';
import { attempt, reportAttempt } from './forward';
import { upstreamModel } from './pick';
import { providerFor } from './providers';

/**
 * A real, minimal call through a channel: one completion token. A success closes its circuit
 * and lifts an automatic disable; a failure is reported like any other.
 */
export async function testChannel(env: Env, channel: ChannelRecord, model?: string): Promise<{ ok: boolean; latency_ms: number; error?: string }> {
  const settings = settingsOf(env);
  const asked = model ?? channel.models[0];
  const { endpoint, body } = providerFor(channel.type).probe(asked);
  const result = await attempt(channel, { endpoint, body, model: upstreamModel(channel, asked), stream: false, headers: new Headers() }, settings.ENCRYPTION_KEY, { firstByteMs: settings.UPSTREAM_TIMEOUT_MS, idleMs: settings.UPSTREAM_TIMEOUT_MS });
  const ok = result.kind === 'ok';
  const error = result.kind === 'failed' ? result.error : result.kind === 'client_error' ? `HTTP ${result.status}: ${result.body.slice(0, 300)}` : undefined;
  await reportAttempt(env, settings, channel, result);
  return error === undefined ? { ok, latency_ms: result.latencyMs } : { ok, latency_ms: result.latencyMs, error };
}


