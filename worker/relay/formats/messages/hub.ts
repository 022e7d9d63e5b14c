/*
 * Anthropic Messages API clients served by an OpenAI chat.completions upstream.
 * Pure functions and a pure stream state machine; no I/O. Split by direction:
 * the request, the non-streaming answer, and the streamed answer.
 */

export { messagesToChatRequest } from './to-chat';
export { chatResponseToMessage } from './from-chat';
export { ChatStreamToMessagesWriter } from './from-chat-stream';
