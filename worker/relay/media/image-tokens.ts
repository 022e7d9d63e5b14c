/** Input tokens of one image by each provider's published rule (OpenAI, Anthropic, Gemini). */
import { validSize, type ImageSize } from './image-size';

// ---------------------------------------------------------------------------------------
// OpenAI images
//
// Source: OpenAI's vision guide, "Calculating costs" (platform.openai.com/docs/guides/vision,
// the GPT-4o / GPT-4.1 / GPT-4 Turbo tile rule):
//   - detail "low": a fixed 85 tokens, whatever the size.
//   - detail "high" (and "auto", which may pick high): scale to fit within 2048x2048 (only
//     down), then scale so the shortest side is 768 px (only down), then count the 512 px
//     tiles needed to cover the result: 170 tokens per tile + 85.
// Note: some models multiply these numbers (gpt-4o-mini bills 2833 + 5667 per tile) or use a
// 32 px patch rule (gpt-4.1-mini/nano, o4-mini); those are not covered here.

export const OPENAI_LOW_DETAIL_TOKENS = 85;
const OPENAI_BASE_TOKENS = 85;
const OPENAI_TILE_TOKENS = 170;
const OPENAI_TILE = 512;
const OPENAI_FIT = 2048;
const OPENAI_SHORT_SIDE = 768;

/**
 * Worst case for high/auto detail when the size is unknown (an http URL, unreadable header).
 * After the two scaling steps the long side is at most 2048 px and the short side at most
 * 768 px, so at most ceil(768/512) x ceil(2048/512) = 2 x 4 = 8 tiles; a 768x2048 image
 * reaches it. 8 * 170 + 85 = 1445.
 */
export const OPENAI_IMAGE_MAX_TOKENS = 8 * OPENAI_TILE_TOKENS + OPENAI_BASE_TOKENS;

export function openAiImageTokens(size: ImageSize | null, detail?: string): number {
  try {
    if (typeof detail === 'string' && detail.trim().toLowerCase() === 'low') return OPENAI_LOW_DETAIL_TOKENS;
    if (!validSize(size)) return OPENAI_IMAGE_MAX_TOKENS;
    let w = size.width;
    let h = size.height;
    const fit = Math.min(1, OPENAI_FIT / Math.max(w, h));
    w = Math.max(1, Math.floor(w * fit));
    h = Math.max(1, Math.floor(h * fit));
    const shrink = Math.min(1, OPENAI_SHORT_SIDE / Math.min(w, h));
    w = Math.max(1, Math.floor(w * shrink));
    h = Math.max(1, Math.floor(h * shrink));
    const tiles = Math.ceil(w / OPENAI_TILE) * Math.ceil(h / OPENAI_TILE);
    return Math.min(OPENAI_IMAGE_MAX_TOKENS, tiles * OPENAI_TILE_TOKENS + OPENAI_BASE_TOKENS);
  } catch {
    return OPENAI_IMAGE_MAX_TOKENS;
  }
}

// ---------------------------------------------------------------------------------------
// Anthropic images
//
// Source: Anthropic's vision docs ("Evaluate image size" / "Calculate image costs",
// docs.anthropic.com/en/docs/build-with-claude/vision): tokens = (width * height) / 750. An
// image whose long edge exceeds 1568 px, or that exceeds about 1,600 tokens (the docs also say
// "~1.15 megapixels"), is first scaled down, keeping its aspect ratio, to fit both limits.
// The two phrasings disagree (1.15 MP / 750 = 1,533 tokens), and the docs' own table of
// largest unscaled sizes goes up to 784x1568 = 1,229,312 px (1,640 tokens; 1092x1092 is 1,590).
// We cap at that table maximum so the estimate is never below a size the docs say is kept.
// Note: models with a larger native resolution (e.g. a 2576 px long edge) cost more; this
// rule covers the 1568 px generation.

const ANTHROPIC_MAX_EDGE = 1568;
const ANTHROPIC_MAX_PIXELS = 784 * 1568;
const ANTHROPIC_PIXELS_PER_TOKEN = 750;

/** Worst case when the size is unknown: the pixel cap at 750 px a token, ceil(1,229,312 / 750) = 1,640. */
export const ANTHROPIC_IMAGE_MAX_TOKENS = Math.ceil(ANTHROPIC_MAX_PIXELS / ANTHROPIC_PIXELS_PER_TOKEN);

/** The size Anthropic processes an image at: scaled down (never up) to fit both limits. */
function anthropicScaledSize(size: ImageSize): ImageSize {
  const { width: w, height: h } = size;
  const scale = Math.min(1, ANTHROPIC_MAX_EDGE / Math.max(w, h), Math.sqrt(ANTHROPIC_MAX_PIXELS / (w * h)));
  if (scale >= 1) return { width: w, height: h };
  return { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)) };
}

export function anthropicImageTokens(size: ImageSize | null): number {
  try {
    if (!validSize(size) || !Number.isFinite(size.width * size.height)) return ANTHROPIC_IMAGE_MAX_TOKENS;
    const s = anthropicScaledSize(size);
    return Math.min(ANTHROPIC_IMAGE_MAX_TOKENS, Math.ceil((s.width * s.height) / ANTHROPIC_PIXELS_PER_TOKEN));
  } catch {
    return ANTHROPIC_IMAGE_MAX_TOKENS;
  }
}

// ---------------------------------------------------------------------------------------
// Gemini images
//
// Source: Google's Gemini docs, "Understand and count tokens" (ai.google.dev/gemini-api/docs/
// tokens, Gemini 2.x): "image inputs with both dimensions <= 384 pixels are counted as 258
// tokens. Images larger in one or both dimensions are cropped and scaled as needed into tiles
// of 768x768 pixels, each counted as 258 tokens." The exact rule implemented:
//   both sides <= 384 px  ->  258
//   otherwise             ->  ceil(width / 768) * ceil(height / 768) * 258
// Gemini 3 instead charges a fixed budget per image set by media_resolution (low 280,
// medium 560, high 1120 - the default for images - and ultra high 2240).

const GEMINI_TILE_TOKENS = 258;
const GEMINI_SMALL_SIDE = 384;
const GEMINI_TILE = 768;
/** Tiles per side are capped only to keep absurd sizes finite (65,536 tiles is a 50-million-pixel side). */
const GEMINI_MAX_TILES_PER_SIDE = 65_536;

/**
 * Unknown size (e.g. a Files API or gs:// URI): 9 tiles = 2,322 tokens, a 3x3 grid covering
 * images up to 2304x2304 (1080p and 1440p screenshots need 6 and 8 tiles), and above the
 * largest per-image budget Gemini 3 publishes (2,240 at ultra-high media resolution).
 */
export const GEMINI_IMAGE_UNKNOWN_TOKENS = 9 * GEMINI_TILE_TOKENS;

export function geminiImageTokens(size: ImageSize | null): number {
  try {
    if (!validSize(size)) return GEMINI_IMAGE_UNKNOWN_TOKENS;
    const { width, height } = size;
    if (width <= GEMINI_SMALL_SIDE && height <= GEMINI_SMALL_SIDE) return GEMINI_TILE_TOKENS;
    const across = Math.min(GEMINI_MAX_TILES_PER_SIDE, Math.ceil(width / GEMINI_TILE));
    const down = Math.min(GEMINI_MAX_TILES_PER_SIDE, Math.ceil(height / GEMINI_TILE));
    return across * down * GEMINI_TILE_TOKENS;
  } catch {
    return GEMINI_IMAGE_UNKNOWN_TOKENS;
  }
}
