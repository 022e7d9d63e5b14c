/**
 * Error texts from upstreams can echo a key back (theirs, or one a caller sent). Anything that
 * looks like a credential is masked before a text is kept or handed on.
 */
const RULES: [RegExp, string][] = [
  [/\b(sk-ant|sk|rk|pk|key|sess)-[A-Za-z0-9_-]{8,}/g, '$1-***'], // OpenAI- and Anthropic-style keys
  [/\bAIza[0-9A-Za-z_-]{20,}/g, 'AIza***'], // Google API keys
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***'],
  [/\b[A-Za-z0-9]{32,}\b/g, '***'], // long unbroken runs: hex or base62 secrets
];

export function scrub(text: string): string {
  return RULES.reduce((out, [pattern, mask]) => out.replace(pattern, mask), text);
}
