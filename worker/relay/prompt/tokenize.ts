import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import familyFactors from '../tokenizer-factors.json';

/** The tokenizer of a model's family: cl100k for GPT-3.5/GPT-4 and older embeddings, o200k otherwise. */
export function counterFor(model: string): (text: string) => number {
  const m = model.toLowerCase();
  const legacy =
    /^(gpt-3\.5|gpt-4(?!o|\.|-?o)|text-embedding-(ada|3)|text-davinci|davinci|babbage)/.test(m) &&
    !m.startsWith('gpt-4o');
  return legacy ? countCl100k : countO200k;
}

const FACTORS: { pattern: RegExp; factor: number }[] = Object.entries(familyFactors.factors).map(
  ([family, factor]) => ({ pattern: new RegExp(family, 'i'), factor }),
);

/**
 * Models whose own tokenizer is not published (Claude, Gemini) are counted with o200k scaled by a
 * per-family factor (tokenizer-factors.json): an approximation, used only where the upstream
 * reports no usage, and for the hold.
 */
export function familyFactor(model: string): number {
  return FACTORS.find((f) => f.pattern.test(model))?.factor ?? 1;
}

/**
 * BPE takes time quadratic in the length of one unbroken word (70,000 repeated characters take
 * seconds), so text is counted in slices of at most this many characters, cut at a space where
 * one is near. Ordinary text counts the same; a hostile run costs linear time.
 */
const SLICE = 1000;

function countInSlices(count: (text: string) => number, text: string): number {
  if (text.length <= SLICE) return count(text);
  let total = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + SLICE);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + SLICE / 2) end = space;
    }
    total += count(text.slice(start, end));
    start = end;
  }
  return total;
}

export function countText(model: string, text: string): number {
  if (!text) return 0;
  const n = countInSlices(counterFor(model), text);
  const factor = familyFactor(model);
  return factor === 1 ? n : Math.ceil(n * factor);
}
