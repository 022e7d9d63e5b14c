/** Gemini's stream chunks, read beside the bytes the relay passes on, with their usage. */
import type { Usage } from '../../../billing/charge';
import type { TapSink } from '../../hub/tap';
import { type Obj, isObj, objs, tokenCount as num } from '../../../lib/json';

/**
 * Gemini: promptTokenCount includes the cached tokens (and tool-use prompts are prompt too);
 * thinking tokens are billed as completion.
 */
export function geminiUsage(u: Obj): Usage {
  return {
    promptTokens: num(u.promptTokenCount) + num(u.toolUsePromptTokenCount),
    completionTokens: num(u.candidatesTokenCount) + num(u.thoughtsTokenCount),
    cachedTokens: num(u.cachedContentTokenCount),
  };
}

/** Gemini chunks (GenerateContentResponse each): usage in every chunk, the end a finishReason; the body simply ends after it. */
export function readGeminiChunk(sink: TapSink, _event: string | undefined, chunk: Obj): void {
  if (isObj(chunk.error)) sink.state.errored = true;
  if (isObj(chunk.usageMetadata)) sink.state.usage = geminiUsage(chunk.usageMetadata);
  for (const candidate of objs(chunk.candidates)) {
    const n = typeof candidate.index === 'number' ? candidate.index : 0;
    const content = isObj(candidate.content) ? candidate.content : {};
    objs(content.parts).forEach((p, i) => {
      sink.add(`${n}:${p.thought === true ? 'reasoning' : 'text'}`, p.text);
      if (isObj(p.functionCall)) {
        sink.add(`${n}:call${i}:name`, p.functionCall.name);
        sink.add(`${n}:call${i}:args`, JSON.stringify(p.functionCall.args ?? {}));
      }
    });
    if (typeof candidate.finishReason === 'string') sink.state.closed = true;
  }
}
