/** Input tokens of an audio clip: its duration (from size and byte rate) times a token rate. */
import { ascii, isBytes, u32le } from './bytes';

// Tokens per second of input audio:
//   - Gemini: 32 tokens per second (Google, "Understand and count tokens": audio is tokenized
//     at a fixed 32 tokens per second, at every media resolution).
//   - OpenAI gpt-4o audio / realtime: about 10 tokens per second (user audio is ~1 token per
//     100 ms; OpenAI publishes per-token prices, not an official rate, so this is approximate).
//   - Anthropic: no audio input.
// The default is the highest published rate, 32, so one estimate is safe on any upstream;
// pass tokensPerSecond to use a provider's own rate.
export const GEMINI_AUDIO_TOKENS_PER_SECOND = 32;
export const OPENAI_AUDIO_TOKENS_PER_SECOND = 10;
export const AUDIO_TOKENS_PER_SECOND = GEMINI_AUDIO_TOKENS_PER_SECOND;

// Duration comes from the byte count and a byte rate. Assumed rates lean low (a low bitrate
// means more seconds, so more tokens):
//   - WAV: the header's byte rate when the first bytes are given; otherwise 8,000 B/s
//     (8 kHz 8-bit mono, i.e. telephone-grade G.711, the lowest common WAV rate).
//   - MP3: the first frame's bitrate when the first bytes are given, but never above
//     128 kbit/s; otherwise 128 kbit/s = 16,000 B/s.
//   - Opus / Ogg / WebM: 32 kbit/s = 4,000 B/s (Opus speech is commonly 16-32 kbit/s).
//   - G.711 (mu-law / a-law): 8,000 B/s exactly.
//   - anything else (AAC, M4A, FLAC, AIFF, PCM, unknown): 128 kbit/s = 16,000 B/s.
export const DEFAULT_AUDIO_BYTES_PER_SECOND = 16_000;
const WAV_FALLBACK_BYTES_PER_SECOND = 8_000;
const OPUS_BYTES_PER_SECOND = 4_000;
const G711_BYTES_PER_SECOND = 8_000;

/** Byte rate from a WAV (RIFF/WAVE) header's fmt chunk, or null. */
function wavByteRate(b: Uint8Array): number | null {
  if (b.length < 12 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WAVE')) return null;
  let o = 12;
  for (let n = 0; n < 16 && o + 8 <= b.length; n++) {
    const size = u32le(b, o + 4);
    if (ascii(b, o, 'fmt ')) {
      if (size < 16 || o + 20 > b.length) return null;
      const rate = u32le(b, o + 16);
      // GSM 6.10 in WAV is ~1,625 B/s; anything outside this range is a broken header.
      return rate >= 1_000 && rate <= 10_000_000 ? rate : null;
    }
    o += 8 + size + (size % 2);
  }
  return null;
}

// kbit/s by bitrate index (1..14) for MPEG-1 and MPEG-2/2.5, layers I, II, III.
const MP3_KBPS_V1: readonly (readonly number[])[] = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // layer I
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // layer II
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // layer III
];
const MP3_KBPS_V2: readonly (readonly number[])[] = [
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], // layer I
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // layers II and III
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/** Byte rate of the first MPEG audio frame (after any ID3v2 tag) within the given bytes, or null. */
function mp3ByteRate(b: Uint8Array): number | null {
  let o = 0;
  if (ascii(b, 0, 'ID3') && b.length >= 10) {
    const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
    o = 10 + size + (b[5] & 0x10 ? 10 : 0);
  }
  const stop = Math.min(b.length - 3, o + 4096);
  for (let i = o; i < stop; i++) {
    if (b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (b[i + 1] >> 3) & 0x03; // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
    const layer = (b[i + 1] >> 1) & 0x03; // 1: III, 2: II, 3: I, 0: reserved
    const bitrateIndex = b[i + 2] >> 4;
    const sampleRateIndex = (b[i + 2] >> 2) & 0x03;
    if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) continue;
    const table = version === 3 ? MP3_KBPS_V1 : MP3_KBPS_V2;
    const kbps = table[3 - layer][bitrateIndex];
    return (kbps * 1000) / 8;
  }
  return null;
}

function normalizeAudioFormat(format: unknown): string {
  if (typeof format !== 'string') return '';
  let f = format.trim().toLowerCase();
  const semi = f.indexOf(';');
  if (semi >= 0) f = f.slice(0, semi).trim();
  if (f.startsWith('audio/')) f = f.slice(6);
  if (f.startsWith('x-')) f = f.slice(2);
  return f;
}

function audioBytesPerSecond(format: string, head: Uint8Array | null): number {
  if (head) {
    const wav = wavByteRate(head);
    if (wav !== null) return wav;
    if (format === 'mp3' || format === 'mpeg' || format === 'mpga' || format === '' || ascii(head, 0, 'ID3')) {
      const mp3 = mp3ByteRate(head);
      if (mp3 !== null) return Math.min(mp3, DEFAULT_AUDIO_BYTES_PER_SECOND);
    }
  }
  switch (format) {
    case 'wav':
    case 'wave':
    case 'vnd.wave':
      return WAV_FALLBACK_BYTES_PER_SECOND;
    case 'opus':
    case 'ogg':
    case 'oga':
    case 'webm':
      return OPUS_BYTES_PER_SECOND;
    case 'g711_ulaw':
    case 'g711_alaw':
    case 'pcmu':
    case 'pcma':
    case 'basic':
      return G711_BYTES_PER_SECOND;
    default:
      return DEFAULT_AUDIO_BYTES_PER_SECOND;
  }
}

export interface AudioInput {
  /** A format name ("wav", "mp3") or MIME type ("audio/mpeg"). */
  format?: string;
  /** Size of the audio in bytes (e.g. from base64Length). */
  bytes: number;
  /** The first bytes of the audio (e.g. from base64Prefix), to read a WAV or MP3 header. */
  head?: Uint8Array;
  /** Tokens per second of audio; defaults to AUDIO_TOKENS_PER_SECOND (32). */
  tokensPerSecond?: number;
}

/** Estimated duration in seconds, leaning long. */
export function audioSeconds(input: AudioInput): number {
  try {
    if (!input || typeof input !== 'object') return 0;
    const bytes = typeof input.bytes === 'number' && Number.isFinite(input.bytes) && input.bytes > 0 ? input.bytes : 0;
    if (bytes === 0) return 0;
    const head = isBytes(input.head) ? input.head : null;
    return bytes / audioBytesPerSecond(normalizeAudioFormat(input.format), head);
  } catch {
    return 0;
  }
}

export function audioTokens(input: AudioInput): number {
  try {
    const seconds = audioSeconds(input);
    const rate =
      input &&
      typeof input.tokensPerSecond === 'number' &&
      Number.isFinite(input.tokensPerSecond) &&
      input.tokensPerSecond > 0
        ? input.tokensPerSecond
        : AUDIO_TOKENS_PER_SECOND;
    return Math.ceil(seconds * rate);
  } catch {
    return 0;
  }
}
