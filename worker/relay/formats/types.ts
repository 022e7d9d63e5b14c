/**
 * A client wire format: everything the relay knows about one way of asking (its paths, schema,
 * limits, prompt counting, its side of the hub and its errors). One folder per format under
 * formats/, one line per format in formats/index.ts.
 */
import type { z } from 'zod';
import type { SseWriter } from '../hub/sse';
import type { Obj } from '../../lib/json';
import type { Counter } from '../prompt/count';

/** The one name for a wire format, inbound (what the client speaks) or upstream (what a channel is asked). */
export type Endpoint = 'chat' | 'completions' | 'embeddings' | 'messages' | 'responses' | 'gemini';

/** What the relay reads from a valid body before anything else. */
export interface CallShape {
  model: string;
  stream: boolean;
  /** The client asked for usage in its stream (formats whose streams always end with usage say true). */
  clientWantsUsage: boolean;
  /** Completion tokens the client allows, or null when it set none. */
  maxCompletion: number | null;
  choices: number;
}

export interface ParsedCall extends CallShape {
  body: Obj;
}

/** An upstream's refusal of a request, read from whichever shape it came in. */
export interface UpstreamError {
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
}

/** A client format's side of the hub (OpenAI chat completions): its request as chat, chat answers and chunks back in its format. */
export interface ClientSide {
  toChat(upstreamModel: string): Obj;
  fromChat(json: Obj): Obj;
  /** Chat chunks to the client's events; null for a chat client (chunks go as they are). */
  writer(): SseWriter | null;
}

export interface Format {
  endpoint: Endpoint;
  /** Where clients send it (Hono route patterns). */
  paths: readonly string[];
  /** The path a channel that serves it natively is asked on, after the base URL and the provider's version prefix (`/v1`). */
  upstreamPath: string;
  /** Its streams carry usage only when asked (`stream_options.include_usage`): the relay always asks, and drops it again if the client did not. */
  streamUsageOptIn: boolean;
  schema: z.ZodType<Obj>;
  /** Model, stream flag, completion limit, choices and usage wish, read from the format's own fields only. */
  shape(body: Obj): CallShape;
  /** The body with its completion limit set, in the field the format (and the client) uses; null when the format has no completion. */
  withLimit: ((call: ParsedCall, limit: number) => Obj) | null;
  /** The client's own session id in the body (sticky sessions), or null; formats without one leave it out. */
  sessionKey?(body: Obj): string | null;
  /** Prompt tokens over every part of the input, exact or bounded as the counter counts text (prompt/count.ts). */
  countPrompt(counter: Counter, body: Obj): number;
  /** The format's side of the hub; chat's is the identity. */
  client(call: ParsedCall): ClientSide;
  /** An upstream's refusal (400, 422) as this format's clients read errors. */
  errorBody(status: number, e: UpstreamError): Obj;
  /** An error event in this format's stream, for a stream that broke off or failed upstream. */
  streamError(message: string): string;
}
