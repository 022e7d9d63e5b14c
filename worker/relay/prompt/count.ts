/**
 * The walker each format's prompt count is made of (formats/<format>/index.ts `countPrompt`):
 * prompt tokens for the hold, counted over every part of the input: text, system, tool
 * definitions, tool calls and results of any shape, documents, images and audio. Text is counted
 * with the model family's tokenizer; media by the provider's published rule (media-tokens.ts).
 * An over-count only holds a little more for the length of the call; an under-count would let a
 * caller spend past their balance, so unknown shapes are counted as the text they carry.
 */
import {
  anthropicImageTokens,
  audioTokens,
  base64Length,
  base64Prefix,
  documentTokens,
  geminiImageTokens,
  imageSize,
  openAiImageTokens,
  pdfPageCount,
  type ImageSize,
} from '../media-tokens';
import { countText, familyFactor } from './tokenize';
import { type Obj, isObj, str } from '../../lib/json';

/** Framing tokens OpenAI counts per message, and once for the reply primer. */
export const PER_MESSAGE = 3;
/** Keys whose values are labels or references, not text the model reads. */
const SKIP_KEYS = new Set([
  'type',
  'role',
  'id',
  'tool_call_id',
  'tool_use_id',
  'call_id',
  'signature',
  'cache_control',
  'media_type',
  'mimeType',
  'mime_type',
  'detail',
  'format',
  'file_id',
  'index',
]);
/** Deeper than this, a body is hostile; what lies below is counted as raw text. */
const MAX_DEPTH = 64;
/** Bytes decoded from a base64 image to read its header. */
const HEADER_BYTES = 64 * 1024;
/** PDFs larger than this are not decoded to count pages; their size gives the estimate. */
const MAX_PDF_DECODE = 16 * 1024 * 1024;

/** The exact counter for a model: its tokenizer family and its provider's image rule. */
export const counterFor = (model: string): Counter => ({
  model,
  rule: imageRuleFor(model),
  text: (s) => countText(model, s),
});

/**
 * A cheap upper bound of the same count, for the hold: byte-level BPE never makes more tokens of
 * a text than its UTF-8 bytes (every token is at least one byte), so bytes stand in for tokens,
 * scaled like the exact count for families counted with a factor. Media keep their own rules.
 */
export const boundFor = (model: string): Counter => {
  const factor = familyFactor(model);
  return {
    model,
    rule: imageRuleFor(model),
    text: factor === 1 ? utf8Length : (s) => Math.ceil(utf8Length(s) * factor),
  };
};

/** UTF-8 bytes of a string, without encoding it. */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    // A surrogate pair is 4 bytes for 2 UTF-16 units; a lone surrogate is written as 3 (U+FFFD).
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

export type ImageRule = 'openai' | 'anthropic' | 'gemini';

/** The per-image rule of the provider that serves a model family. */
export function imageRuleFor(model: string): ImageRule {
  const m = model.toLowerCase();
  if (m.includes('claude')) return 'anthropic';
  if (m.includes('gemini') || m.includes('gemma')) return 'gemini';
  return 'openai';
}

export interface Counter {
  model: string;
  rule: ImageRule;
  /** Tokens of a text: exact (the tokenizer) or a bound (its bytes). */
  text(s: string): number;
}

function imageTokens(c: Counter, data: string | null, detail: string): number {
  let size: ImageSize | null = null;
  if (data !== null) size = imageSize(base64Prefix(data, HEADER_BYTES));
  if (c.rule === 'anthropic') return anthropicImageTokens(size);
  if (c.rule === 'gemini') return geminiImageTokens(size);
  return openAiImageTokens(size, detail || 'auto');
}

function pdfTokens(data: string): number {
  const bytes = base64Length(data);
  const pages = bytes <= MAX_PDF_DECODE ? pdfPageCount(base64Prefix(data, bytes)) : null;
  return documentTokens({ pages, bytes });
}

/** A `data:` URL's base64 payload, or null for anything else (an http URL, say). */
function dataUrlPayload(url: string): { mime: string; data: string } | null {
  const m = /^data:([^;,]*)[^,]*;base64,/i.exec(url.slice(0, 256));
  return m ? { mime: m[1].toLowerCase(), data: url.slice(m[0].length) } : null;
}

/** Media by its MIME type: images by the image rule, PDFs and other files by size, audio by duration. */
function mediaTokens(c: Counter, mime: string, data: string, detail = ''): number {
  if (mime.startsWith('image/')) return imageTokens(c, data, detail);
  if (mime.startsWith('audio/'))
    return audioTokens({ format: mime.slice(6), bytes: base64Length(data), head: base64Prefix(data, 64) });
  if (mime === 'application/pdf') return pdfTokens(data);
  if (mime.startsWith('text/')) return c.text(data);
  return documentTokens({ pages: null, bytes: base64Length(data) });
}

function urlTokens(c: Counter, url: string, detail: string): number {
  const payload = dataUrlPayload(url);
  if (payload) return mediaTokens(c, payload.mime, payload.data, detail);
  return imageTokens(c, null, detail);
}

/**
 * A part recognised as media, in any of the wire formats the relay speaks, or null when the value
 * is not a media part (then its fields are walked as text).
 */
function mediaPart(c: Counter, v: Obj): number | null {
  // OpenAI chat: {type: image_url, image_url: {url, detail}}; Responses: {type: input_image, image_url, detail}
  if (v.type === 'image_url' || v.type === 'input_image') {
    const image = v.image_url;
    const url = isObj(image) ? str(image.url) : str(image);
    const detail = isObj(image) ? str(image.detail) : str(v.detail);
    return url ? urlTokens(c, url, detail) : imageTokens(c, null, detail);
  }
  // OpenAI chat audio: {type: input_audio, input_audio: {data, format}}
  if (v.type === 'input_audio' && isObj(v.input_audio)) {
    const data = str(v.input_audio.data);
    return audioTokens({ format: str(v.input_audio.format), bytes: base64Length(data), head: base64Prefix(data, 64) });
  }
  // OpenAI chat file: {type: file, file: {file_data}}; Responses: {type: input_file, file_data}
  if ((v.type === 'file' && isObj(v.file)) || v.type === 'input_file') {
    const file = isObj(v.file) ? v.file : v;
    const payload = dataUrlPayload(str(file.file_data));
    if (payload) return mediaTokens(c, payload.mime || 'application/pdf', payload.data);
    const raw = str(file.file_data);
    return raw ? pdfTokens(raw) : documentTokens({ pages: null, bytes: 0 });
  }
  // Anthropic: {type: image|document, source: {type: base64|url|text|content, ...}}
  if ((v.type === 'image' || v.type === 'document') && isObj(v.source)) {
    const source = v.source;
    if (source.type === 'base64')
      return mediaTokens(
        c,
        str(source.media_type) || (v.type === 'image' ? 'image/png' : 'application/pdf'),
        str(source.data),
      );
    if (source.type === 'url')
      return v.type === 'image' ? imageTokens(c, null, '') : documentTokens({ pages: null, bytes: 0 });
    return null; // text and content sources are walked as text
  }
  // Gemini: {inlineData: {mimeType, data}} and {fileData: {mimeType, fileUri}}
  if (isObj(v.inlineData) || isObj(v.inline_data)) {
    const inline = (isObj(v.inlineData) ? v.inlineData : v.inline_data) as Obj;
    return mediaTokens(c, str(inline.mimeType ?? inline.mime_type).toLowerCase(), str(inline.data));
  }
  if (isObj(v.fileData) || isObj(v.file_data)) {
    const file = (isObj(v.fileData) ? v.fileData : v.file_data) as Obj;
    const mime = str(file.mimeType ?? file.mime_type).toLowerCase();
    return mime.startsWith('image/') ? imageTokens(c, null, '') : documentTokens({ pages: null, bytes: 0 });
  }
  return null;
}

/** Every string the model reads inside `value`, media by its rule, labels and references skipped. */
export function walk(c: Counter, value: unknown, depth = 0): number {
  if (typeof value === 'string') return c.text(value);
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > MAX_DEPTH) return c.text(JSON.stringify(value) ?? '');
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += walk(c, item, depth + 1);
    return total;
  }
  if (!isObj(value)) return 0;
  const media = mediaPart(c, value);
  if (media !== null) return media;
  let total = 0;
  for (const [key, item] of Object.entries(value)) {
    if (SKIP_KEYS.has(key)) continue;
    // Tool inputs and schemas are read by the model as JSON text, keys included.
    if (
      (key === 'input' || key === 'parameters' || key === 'input_schema' || key === 'args' || key === 'response') &&
      isObj(item)
    ) {
      total += c.text(JSON.stringify(item));
      continue;
    }
    total += walk(c, item, depth + 1);
  }
  return total;
}

/** Messages with OpenAI's framing: a few tokens per message and for the reply primer. */
export function messagesTokens(c: Counter, messages: unknown): number {
  if (!Array.isArray(messages)) return walk(c, messages);
  let total = PER_MESSAGE;
  for (const m of messages) total += PER_MESSAGE + walk(c, m);
  return total;
}

/** Prompts given as token ids are already tokens; anything else is walked. */
export function tokenIdsOr(c: Counter, input: unknown): number {
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'number')) return input.length;
  if (
    Array.isArray(input) &&
    input.length > 0 &&
    input.every((x) => Array.isArray(x) && x.every((y) => typeof y === 'number'))
  ) {
    return input.reduce<number>((sum, x) => sum + (x as unknown[]).length, 0);
  }
  return walk(c, input);
}
