import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

/** The tokenizer of a model's family: cl100k for GPT-3.5/GPT-4 and older embeddings, o200k otherwise. */
export function counterFor(model: string): (text: string) => number {
  const m = model.toLowerCase();
  const legacy = /^(gpt-3\.5|gpt-4(?!o|\.|-?o)|text-embedding-(ada|3)|text-davinci|davinci|babbage)/.test(m) && !m.startsWith('gpt-4o');
  return legacy ? countCl100k : countO200k;
}

export function countText(model: string, text: string): number {
  return text ? counterFor(model)(text) : 0;
}

/** Text of a message's content: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (part && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (typeof p.text === 'string') out += p.text;
      else if (typeof p.content === 'string') out += p.content;
    }
  }
  return out;
}

/** OpenAI's chat accounting: about 3 tokens of framing per message plus 3 for the reply primer. */
export function countChatPrompt(model: string, messages: unknown[], extra: unknown[] = []): number {
  const count = counterFor(model);
  let total = 3;
  for (const m of messages) {
    total += 3;
    if (m && typeof m === 'object') {
      const msg = m as Record<string, unknown>;
      total += count(contentText(msg.content));
      if (typeof msg.name === 'string') total += count(msg.name) + 1;
      if (msg.tool_calls) total += count(JSON.stringify(msg.tool_calls));
    }
  }
  for (const e of extra) if (e !== undefined && e !== null) total += count(typeof e === 'string' ? e : JSON.stringify(e));
  return total;
}

export function countInputs(model: string, input: unknown): number {
  if (typeof input === 'string') return countText(model, input);
  if (Array.isArray(input)) {
    // token-id arrays are already tokens
    if (input.every((x) => typeof x === 'number')) return input.length;
    return input.reduce<number>((sum, x) => sum + countInputs(model, x), 0);
  }
  return 0;
}
