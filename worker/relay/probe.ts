import type { Env } from '../env';
import { settingsOf } from '../env';
import type { ChannelRecord } from '../db/snapshots';
import { attempt, reportAttempt, type KeyChoice } from './forward';
import { upstreamModel } from './pick';
import { providerFor } from './providers';

export interface ProbeResult {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

/**
 * A real, minimal call through a channel: one completion token. A success closes its circuit
 * and lifts an automatic disable; a failure is reported like any other.
 */
export function testChannel(env: Env, channel: ChannelRecord, model?: string): Promise<ProbeResult> {
  return probeWith(env, channel, {}, model);
}

/**
 * The same call with one set-aside key alone: a success brings the key back. A refusal only
 * refreshes the key's last error while the channel has other usable keys.
 */
export function testKey(env: Env, channel: ChannelRecord, index: number): Promise<ProbeResult> {
  return probeWith(env, channel, { only: index });
}

async function probeWith(env: Env, channel: ChannelRecord, choice: KeyChoice, model?: string): Promise<ProbeResult> {
  const settings = settingsOf(env);
  const asked = model ?? channel.models[0];
  const { endpoint, body } = providerFor(channel.type).probe(asked);
  const limits = { firstByteMs: settings.UPSTREAM_TIMEOUT_MS, idleMs: settings.UPSTREAM_TIMEOUT_MS };
  const result = await attempt(
    channel,
    { endpoint, body, model: upstreamModel(channel, asked), stream: false, headers: new Headers() },
    settings.ENCRYPTION_KEY,
    limits,
    choice,
  );
  const ok = result.kind === 'ok';
  const error =
    result.kind === 'failed'
      ? result.error
      : result.kind === 'client_error'
        ? `HTTP ${result.status}: ${result.body.slice(0, 300)}`
        : undefined;
  await reportAttempt(env, settings, channel, result);
  return error === undefined ? { ok, latency_ms: result.latencyMs } : { ok, latency_ms: result.latencyMs, error };
}
