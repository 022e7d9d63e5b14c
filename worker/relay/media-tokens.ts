/**
 * Input-token estimates for non-text media parts (images, PDFs, audio).
 *
 * The relay reserves a call's prompt cost before forwarding it; text is counted with a
 * tokenizer, and this module prices everything else by each provider's published rule so
 * a large image, PDF or audio clip cannot ride for free against a small balance.
 *
 * Pure functions: no I/O, no platform APIs (runs in workerd and Node). Every exported
 * function is total: any input, garbage included, gives a number (or null where the
 * signature says so) and never throws. Estimates lean high, never far below reality:
 * a reservation that is a little too large is released at settlement, one that is far
 * too small lets a caller overdraw.
 *
 * The rules live in ./media/, one module per media kind; this file is the public entry.
 */

export { imageSize, type ImageSize } from './media/image-size';
export { base64Length, base64Prefix } from './media/base64';
export {
  ANTHROPIC_IMAGE_MAX_TOKENS,
  GEMINI_IMAGE_UNKNOWN_TOKENS,
  OPENAI_IMAGE_MAX_TOKENS,
  OPENAI_LOW_DETAIL_TOKENS,
  anthropicImageTokens,
  geminiImageTokens,
  openAiImageTokens,
} from './media/image-tokens';
export {
  PDF_BYTES_PER_PAGE,
  PDF_TEXT_TOKENS_PER_PAGE,
  PDF_TOKENS_PER_PAGE,
  documentTokens,
  estimatedPdfPages,
  pdfPageCount,
} from './media/pdf';
export {
  AUDIO_TOKENS_PER_SECOND,
  DEFAULT_AUDIO_BYTES_PER_SECOND,
  GEMINI_AUDIO_TOKENS_PER_SECOND,
  OPENAI_AUDIO_TOKENS_PER_SECOND,
  audioSeconds,
  audioTokens,
  type AudioInput,
} from './media/audio';
