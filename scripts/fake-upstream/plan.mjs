// Response plan: what an ok-ish answer contains for a given scenario config, and its usage shapes.

const DEFAULT_CONTENT = 'Hello from the fake upstream.';
const DEFAULT_PROMPT_TOKENS = 10;

let idCounter = 0;
export const nextId = (prefix) => `${prefix}${(++idCounter).toString().padStart(8, '0')}`;
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** "Hello from the fake" -> ["Hello", " from", " the", " fake"] (whitespace kept). */
function splitWords(content) {
  const chunks = content.match(/\s*\S+/g) ?? [];
  const rest = content.slice(chunks.join('').length);
  if (rest) {
    if (chunks.length) chunks[chunks.length - 1] += rest;
    else chunks.push(rest);
  }
  return chunks;
}

function buildUsage(override, completionTokens) {
  const o = override ?? {};
  const prompt = o.prompt_tokens ?? DEFAULT_PROMPT_TOKENS;
  const completion = o.completion_tokens ?? completionTokens;
  return {
    prompt,
    completion,
    total: o.total_tokens ?? prompt + completion,
    cached: o.cached_tokens,
    cacheCreation: o.cache_creation_tokens,
    cacheCreation5m: o.cache_creation_5m_tokens,
    cacheCreation1h: o.cache_creation_1h_tokens,
    thoughts: o.thoughts_tokens,
  };
}

export function openAiUsage(u) {
  const usage = { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.total };
  if (u.cached !== undefined) usage.prompt_tokens_details = { cached_tokens: u.cached };
  return usage;
}

export function anthropicUsage(u, outputTokens = u.completion) {
  const usage = { input_tokens: u.prompt, output_tokens: outputTokens };
  if (u.cached !== undefined) usage.cache_read_input_tokens = u.cached;
  if (u.cacheCreation !== undefined) usage.cache_creation_input_tokens = u.cacheCreation;
  // Anthropic splits cache writes by cache length and gives their sum as cache_creation_input_tokens.
  if (u.cacheCreation5m !== undefined || u.cacheCreation1h !== undefined) {
    const fiveMinutes = u.cacheCreation5m ?? 0;
    const oneHour = u.cacheCreation1h ?? 0;
    usage.cache_creation = { ephemeral_5m_input_tokens: fiveMinutes, ephemeral_1h_input_tokens: oneHour };
    usage.cache_creation_input_tokens = u.cacheCreation ?? fiveMinutes + oneHour;
  }
  return usage;
}

export function buildPlan(config, seq) {
  const mode = config.mode;
  const tokChunks = mode === 'slow_stream' || mode === 'cut_stream' || mode === 'error_stream';
  const chunks = tokChunks
    ? Array.from({ length: Number(config.chunks ?? 20) }, () => ' tok')
    : splitWords(String(config.content ?? DEFAULT_CONTENT));
  const keepalive = config.keepalive ?? ((mode === 'ok' || mode === 'delay') && seq % 2 === 1);
  return {
    chunks,
    content: chunks.join(''),
    usage: mode === 'no_usage' ? null : buildUsage(config.usage, chunks.length),
    gapMs: mode === 'slow_stream' ? Number(config.gap_ms ?? 200) : Number(config.gap_ms ?? 0),
    keepalive,
    /** Content chunks sent before the stream is cut or errors (null: the whole stream). */
    cutAfter: mode === 'cut_stream' ? Number(config.cut_after ?? 3) : null,
    errorAfter: mode === 'error_stream' ? Number(config.error_after ?? 0) : null,
    resetBody: mode === 'reset_body',
    /** cut_stream ends the response cleanly by default; `reset: true` drops the connection instead. */
    cutByReset: config.reset === true,
    thinking: typeof config.thinking === 'string' ? config.thinking : null,
    toolArgs: typeof config.tool_args === 'string' ? config.tool_args : null,
    toolName: typeof config.tool_name === 'string' ? config.tool_name : null,
  };
}
