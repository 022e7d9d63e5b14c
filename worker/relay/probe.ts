import type { Env } from '../env';
import { settingsOf } from '../env';
import type { ChannelRecord } from '../db/snapshots';
import { attempt, reportAttempt } from './forward';
import { upstreamModel, type Endpoint } from './pick';

/**
 * A real, minimal call through a channel: one completion token. A success closes its circuit
 * and lifts an automatic disable; a failure is reported like any other.
 */
export async function testChannel(env: Env, channel: ChannelRecord, model?: string): Promise<{ ok: boolean; latency_ms: number; error?: string }> {
  const settings = settingsOf(env);
  const asked = model ?? channel.models[0];
  const { endpoint, body } = probeCall(channel.type, asked);
  const result = await attempt(channel, { endpoint, body, model: upstreamModel(channel, asked), stream: false, headers: new Headers() }, settings.ENCRYPTION_KEY, { firstByteMs: settings.UPSTREAM_TIMEOUT_MS, idleMs: settings.UPSTREAM_TIMEOUT_MS });
  const ok = result.kind === 'ok';
  const error = result.kind === 'failed' ? result.error : result.kind === 'client_error' ? `HTTP ${result.status}: ${result.body.slice(0, 300)}` : undefined;
  await reportAttempt(env, settings, channel, result);
  return error === undefined ? { ok, latency_ms: result.latencyMs } : { ok, latency_ms: result.latencyMs, error };
}


/** The smallest real call in the channel's own format: one completion token. */
function probeCall(type: string, model: string): { endpoint: Endpoint; body: Record<string, unknown> } {
  if (type === 'gemini') return { endpoint: 'gemini', body: { contents: [{ role: 'user', parts: [{ text: 'ping' }] }], generationConfig: { maxOutputTokens: 1 } } };
  const body = { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] };
  return { endpoint: type === 'anthropic' ? 'messages' : 'chat', body };
}
