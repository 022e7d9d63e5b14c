/**
 * Anthropic Messages request bodies (POST /v1/messages), checked before a body is converted or
 * sent. Objects are loose: fields the relay does not know pass through untouched. Content blocks
 * are told apart by `type`; every block type of the Messages API (beta ones included) is known,
 * those the relay only passes on are typed by their key fields. Shared pieces live in ./chat.
 */
import { z } from 'zod';
import {
  intIn,
  isPlainObject,
  jsonObject,
  jsonType,
  MAX_TOKENS_LIMIT,
  modelName,
  oneOf,
  stringOr,
  typeName,
} from '../chat/schema';

/* ------------------------------------------------------------ block pieces */

const cacheControl = z.looseObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).nullish();
const citationsConfig = z.looseObject({ enabled: z.boolean().optional() }).nullish();

const base64Image = z.looseObject({
  type: z.literal('base64'),
  media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
  data: z.string().min(1),
});
const urlSource = z.looseObject({ type: z.literal('url'), url: z.string().min(1) });
const fileSource = z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) });

/** Where a text block cites from (clients send back the citations of earlier answers). */
const index = z.number().min(0).int();
const citation = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('char_location'),
    cited_text: z.string(),
    document_index: index,
    document_title: z.string().nullable(),
    start_char_index: index,
    end_char_index: index,
  }),
  z.looseObject({
    type: z.literal('page_location'),
    cited_text: z.string(),
    document_index: index,
    document_title: z.string().nullable(),
    start_page_number: index,
    end_page_number: index,
  }),
  z.looseObject({
    type: z.literal('content_block_location'),
    cited_text: z.string(),
    document_index: index,
    document_title: z.string().nullable(),
    start_block_index: index,
    end_block_index: index,
  }),
  z.looseObject({
    type: z.literal('web_search_result_location'),
    cited_text: z.string(),
    encrypted_index: z.string(),
    title: z.string().nullable(),
    url: z.string(),
  }),
  z.looseObject({
    type: z.literal('search_result_location'),
    cited_text: z.string(),
    search_result_index: index,
    source: z.string(),
    title: z.string().nullable(),
    start_block_index: index,
    end_block_index: index,
  }),
]);

/* ----------------------------------------------------------- content blocks */

export const textBlock = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(citation).nullish(),
});

export const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Image, urlSource, fileSource]),
  cache_control: cacheControl,
});

/** Blocks of a `content` document source. */
const documentContentBlock = z.discriminatedUnion('type', [textBlock, imageBlock]);

export const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string().min(1) }),
    z.looseObject({ type: z.literal('text'), media_type: z.literal('text/plain').optional(), data: z.string() }),
    urlSource,
    z.looseObject({
      type: z.literal('content'),
      content: stringOr(z.array(documentContentBlock), 'array of text or image blocks'),
    }),
    fileSource,
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: citationsConfig,
  cache_control: cacheControl,
});

export const searchResultBlock = z.looseObject({
  type: z.literal('search_result'),
  source: z.string(),
  title: z.string(),
  content: z.array(textBlock),
  citations: z.looseObject({ enabled: z.boolean().optional() }).optional(),
  cache_control: cacheControl,
});

export const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: jsonObject,
  cache_control: cacheControl,
});

const toolReferenceBlock = z.looseObject({
  type: z.literal('tool_reference'),
  tool_name: z.string().min(1),
  cache_control: cacheControl,
});

const toolResultContentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  searchResultBlock,
  toolReferenceBlock,
]);

export const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: stringOr(
    z.array(toolResultContentBlock),
    'array of text, image, document, search_result or tool_reference blocks',
  ).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

export const thinkingBlock = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});
export const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

/** Blocks the relay passes on as they are, typed by their key fields. */
const serverToolUseBlock = z.looseObject({
  type: z.literal('server_tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: jsonObject,
  cache_control: cacheControl,
});
const mcpToolUseBlock = z.looseObject({
  type: z.literal('mcp_tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  server_name: z.string(),
  input: jsonObject,
  cache_control: cacheControl,
});
const mcpToolResultBlock = z.looseObject({
  type: z.literal('mcp_tool_result'),
  tool_use_id: z.string().min(1),
  content: stringOr(z.array(textBlock), 'array of text blocks').optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
/** A server tool's result: an array of results or an object (a result or an error). */
const serverToolResultContent = oneOf([z.array(jsonObject), jsonObject], (v) =>
  Array.isArray(v)
    ? z.array(jsonObject)
    : isPlainObject(v)
      ? jsonObject
      : `Invalid input: expected array or object, received ${jsonType(v)}`,
);
const serverToolResult = <const T extends string>(type: T) =>
  z.looseObject({
    type: z.literal(type),
    tool_use_id: z.string().min(1),
    content: serverToolResultContent,
    cache_control: cacheControl,
  });

const containerUploadBlock = z.looseObject({
  type: z.literal('container_upload'),
  file_id: z.string().min(1),
  cache_control: cacheControl,
});

export const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  searchResultBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  serverToolUseBlock,
  serverToolResult('web_search_tool_result'),
  serverToolResult('web_fetch_tool_result'),
  serverToolResult('code_execution_tool_result'),
  serverToolResult('bash_code_execution_tool_result'),
  serverToolResult('text_editor_code_execution_tool_result'),
  serverToolResult('tool_search_tool_result'),
  mcpToolUseBlock,
  mcpToolResultBlock,
  containerUploadBlock,
  toolReferenceBlock,
]);

export const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: stringOr(z.array(contentBlock), 'array of content blocks'),
});

/* ------------------------------------------------------------------- tools */

/** A tool the client runs (`type` absent, null or "custom"). */
export const customTool = z.looseObject({
  type: z.literal('custom').nullish(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: cacheControl,
});
/** An Anthropic server or client-defined tool (web_search_*, bash_*, text_editor_*, ...): passed on. */
export const serverTool = z.looseObject({
  type: typeName.refine((t) => t !== 'custom'),
  name: z.string().min(1),
  cache_control: cacheControl,
});
export const messagesTool = oneOf([customTool, serverTool], (v) => {
  if (!isPlainObject(v)) return `Invalid input: expected object, received ${jsonType(v)}`;
  const custom =
    v.type === undefined ||
    v.type === null ||
    v.type === 'custom' ||
    (typeof v.type !== 'string' && 'input_schema' in v);
  return custom ? customTool : serverTool;
});

const disableParallel = z.boolean().optional();
export const messagesToolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: disableParallel }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: disableParallel }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: disableParallel }),
  z.looseObject({ type: z.literal('none') }),
]);

export const thinkingConfig = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: intIn(1024, MAX_TOKENS_LIMIT) }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
]);

/* ----------------------------------------------------------------- request */

export const messagesRequest = z.looseObject({
  model: modelName,
  max_tokens: intIn(1, MAX_TOKENS_LIMIT),
  messages: z.array(message).min(1),
  system: stringOr(z.array(textBlock), 'array of text blocks').optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: intIn(0, 2 ** 31).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().max(256).nullish() }).optional(),
  tools: z.array(messagesTool).optional(),
  tool_choice: messagesToolChoice.optional(),
  thinking: thinkingConfig.optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
});

export type MessagesRequest = z.output<typeof messagesRequest>;
export type MessagesMessage = z.output<typeof message>;
export type MessagesContentBlock = z.output<typeof contentBlock>;
