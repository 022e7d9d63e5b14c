// The byte rates behind audio durations, at their edges (written against surviving mutants).
import { describe, expect, it } from 'vitest';
import { audioSeconds, audioTokens } from '../../worker/relay/media-tokens';
import { ascii, bytes, le16, le32 } from './media-bytes';

const chunk = (id: string, data: number[]) => [...ascii(id), ...le32(data.length), ...data];
const fmt = (rate: number, size = 16) =>
  chunk('fmt ', [...le16(1), ...le16(1), ...le32(8000), ...le32(rate), ...le16(1), ...le16(8)].slice(0, size));
const wav = (...chunks: number[][]) => bytes(ascii('RIFF'), le32(1000), ascii('WAVE'), ...chunks);
/** The byte rate an estimate used: the seconds it gives for 1,000,000 bytes. */
const rate = (head: Uint8Array | undefined, format = '') =>
  1_000_000 / audioSeconds({ format, bytes: 1_000_000, head });

describe('WAV headers', () => {
  it('reads the byte rate of the fmt chunk, after other chunks (odd sizes padded)', () => {
    expect(rate(wav(fmt(1000)))).toBe(1000);
    expect(rate(wav(fmt(10_000_000)))).toBe(10_000_000);
    expect(rate(wav(chunk('LIST', [1, 2, 3]), [0], fmt(4000)))).toBe(4000);
    expect(rate(wav(...Array.from({ length: 15 }, () => chunk('junk', [0, 0])), fmt(4000)))).toBe(4000);
  });
  it('falls back where the header is broken, short, or not found in 16 chunks', () => {
    expect(rate(wav(fmt(999)), 'wav')).toBe(8000);
    expect(rate(wav(fmt(10_000_001)), 'wav')).toBe(8000);
    expect(rate(wav(fmt(4000, 15)), 'wav')).toBe(8000);
    expect(rate(wav(fmt(4000)).subarray(0, 31), 'wav')).toBe(8000);
    expect(rate(wav(fmt(4000)).subarray(0, 32), 'wav')).toBe(4000);
    expect(rate(wav(...Array.from({ length: 16 }, () => chunk('junk', [0, 0])), fmt(4000)), 'wav')).toBe(8000);
    expect(rate(bytes(ascii('RIFF'), le32(1000), ascii('WAVX'), fmt(4000)), 'wav')).toBe(8000);
    expect(rate(bytes(ascii('RIFX'), le32(1000), ascii('WAVE'), fmt(4000)), 'wav')).toBe(8000);
    expect(rate(bytes(ascii('RIFF'), le32(1000), ascii('WAV')), 'wav')).toBe(8000);
    expect(rate(bytes(ascii('RIFF'), le32(1000), ascii('WAVE'), ascii('fmt ')), 'wav')).toBe(8000);
  });
});

describe('MP3 frames', () => {
  const frame = (b1: number, b2: number) => [0xff, b1, b2, 0];
  it('reads the bitrate by version and layer, never above 128 kbit/s', () => {
    expect(rate(bytes(frame(0xfb, 0x90)), 'mp3')).toBe(16000); // MPEG-1 III 128k
    expect(rate(bytes(frame(0xfb, 0x50)), 'mp3')).toBe(8000); // MPEG-1 III 64k
    expect(rate(bytes(frame(0xff, 0x10)), 'mp3')).toBe(4000); // MPEG-1 I 32k
    expect(rate(bytes(frame(0xfd, 0x20)), 'mp3')).toBe(6000); // MPEG-1 II 48k
    expect(rate(bytes(frame(0xf3, 0x80)), 'mp3')).toBe(8000); // MPEG-2 III 64k
    expect(rate(bytes(frame(0xf7, 0x20)), 'mp3')).toBe(6000); // MPEG-2 I 48k
    expect(rate(bytes(frame(0xe3, 0x10)), 'mp3')).toBe(1000); // MPEG-2.5 III 8k
    expect(rate(bytes(frame(0xf5, 0x80)), 'mp3')).toBe(8000); // MPEG-2 II 64k
  });
  it('skips reserved versions and layers, free and bad bitrates, bad sample rates', () => {
    const good = frame(0xfb, 0x50);
    for (const bad of [
      frame(0xeb, 0x50),
      frame(0xf9, 0x50),
      frame(0xfb, 0x00),
      frame(0xfb, 0xf0),
      frame(0xfb, 0x5c),
      [0xff, 0x1b, 0x50, 0],
      [0xfe, 0xfb, 0x50, 0],
    ]) {
      expect(rate(bytes(bad, good), 'mp3')).toBe(8000);
      expect(rate(bytes(bad, [0, 0, 0, 0]), 'mp3')).toBe(16000);
    }
  });
  it('starts after an ID3v2 tag (and its footer), looks 4 KiB at most, and only for MP3 or unknown formats', () => {
    const tag = (size: number, flags = 0) => [...ascii('ID3'), 4, 0, flags, 0, 0, (size >> 7) & 0x7f, size & 0x7f];
    const decoy = frame(0xfb, 0x10); // 32k, inside the tag
    expect(rate(bytes(tag(200), decoy, new Array(196).fill(0), frame(0xfb, 0x50)), 'ogg')).toBe(8000);
    expect(rate(bytes(tag(4, 0x10), [0, 0, 0, 0], decoy, new Array(6).fill(0), frame(0xfb, 0x50)), 'mp3')).toBe(8000);
    expect(rate(bytes(new Array(4096).fill(0), frame(0xfb, 0x50)), 'mp3')).toBe(16000);
    expect(rate(bytes(new Array(4092).fill(0), frame(0xfb, 0x50)), 'mp3')).toBe(8000);
    expect(rate(bytes(frame(0xfb, 0x50)), 'ogg')).toBe(4000);
    for (const f of ['mpeg', 'mpga', 'audio/mpeg', '']) expect(rate(bytes(frame(0xfb, 0x50)), f)).toBe(8000);
    expect(rate(bytes([0xff, 0xfb, 0x50]), 'mp3')).toBe(16000);
    // a tag header cut short is no tag: the frame inside it is read
    expect(rate(bytes(ascii('ID3'), frame(0xfb, 0x50), [0, 0]), 'ogg')).toBe(8000);
  });
});

describe('formats without a header', () => {
  it('names in any case, with parameters, audio/ and x- prefixes', () => {
    for (const f of ['wav', 'WAVE', ' audio/x-wav; codecs=1 ', 'audio/vnd.wave', ' wav ', 'wav ;rate=8000'])
      expect(rate(undefined, f), f).toBe(8000);
    for (const f of ['opus', 'ogg', 'audio/ogg;codecs=opus', 'oga', 'webm']) expect(rate(undefined, f), f).toBe(4000);
    for (const f of ['g711_ulaw', 'g711_alaw', 'pcmu', 'PCMA', 'audio/basic']) expect(rate(undefined, f), f).toBe(8000);
    for (const f of ['flac', 'aac', 'mp3', 'x-', 'audio/', 'xwav']) expect(rate(undefined, f), f).toBe(16000);
    expect(audioSeconds({ format: 7 as unknown as string, bytes: 16000 })).toBe(1);
  });
});

describe('audioSeconds and audioTokens', () => {
  it('no positive finite size is no audio', () => {
    for (const n of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(audioSeconds({ bytes: n })).toBe(0);
    expect(audioSeconds(null as unknown as { bytes: number })).toBe(0);
    expect(audioSeconds('x' as unknown as { bytes: number })).toBe(0);
    expect(audioSeconds({ bytes: '16000' as unknown as number })).toBe(0);
    expect(audioSeconds({ bytes: 16000, head: [1, 2] as unknown as Uint8Array })).toBe(1);
  });
  it('tokens at 32 a second unless a positive finite rate is given, rounded up', () => {
    expect(audioTokens({ bytes: 16000 })).toBe(32);
    expect(audioTokens({ bytes: 16001 })).toBe(33);
    expect(audioTokens({ bytes: 16000, tokensPerSecond: 10 })).toBe(10);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(audioTokens({ bytes: 16000, tokensPerSecond: bad })).toBe(32);
    expect(audioTokens(null as unknown as { bytes: number })).toBe(0);
  });
});
