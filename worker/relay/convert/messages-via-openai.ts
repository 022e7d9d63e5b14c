/*
 * Anthropic Messages API clients served by an OpenAI chat.completions upstream.
 * Pure functions and a pure stream state machine; no I/O. Split by direction:
 * the request, the non-streaming answer, and the streamed answer.
 */

export { messagesToChatRequest } from './messages-via-openai-request';
export { chatResponseToMessage } from './messages-via-openai-answer';
export { ChatStreamToMessagesWriter } from './messages-via-openai-stream';
