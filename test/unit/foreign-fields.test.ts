import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { chatRequest, geminiRequest, inboundSchemas, messagesRequest } from '../../worker/relay/formats/schemas';
import { foreignFields, FORMAT_FIELDS } from '../../worker/relay/formats/foreign';

const SCHEMAS: Record<keyof typeof FORMAT_FIELDS, z.ZodObject> = {
  chat: chatRequest,
  messages: messagesRequest,
  gemini: geminiRequest,
};
const SAMPLES: Record<string, unknown> = { string: 'x', number: 1, boolean: true, array: [], object: {}, null: null };

describe('the foreign-field table', () => {
  for (const [format, table] of Object.entries(FORMAT_FIELDS)) {
    const schema = SCHEMAS[format as keyof typeof FORMAT_FIELDS];
    it(`names every top-level field of ${format}, and refuses only JSON types ${format} refuses`, () => {
      expect(Object.keys(table).sort()).toEqual(Object.keys(schema.shape).sort());
      const tooStrict: string[] = [];
      for (const [key, { types, nullable }] of Object.entries(table)) {
        const field = schema.shape[key] as z.ZodType;
        for (const [type, sample] of Object.entries(SAMPLES)) {
          const allowed = (types as readonly string[]).includes(type) || (type === 'null' && nullable);
          if (!allowed && field.safeParse(sample).success) tooStrict.push(`${key} <- ${type}`);
        }
      }
      expect(tooStrict).toEqual([]);
    });
  }

  it('types, for each inbound format, the fields of the formats it may be converted to, and no field of its own', () => {
    expect(Object.keys(foreignFields('messages', Object.keys(messagesRequest.shape)))).toEqual(
      expect.arrayContaining([
        'n',
        'stream_options',
        'max_completion_tokens',
        'logprobs',
        'response_format',
        'generationConfig',
      ]),
    );
    expect(foreignFields('messages', Object.keys(messagesRequest.shape))).not.toHaveProperty('max_tokens');
    expect(foreignFields('chat', Object.keys(chatRequest.shape))).toHaveProperty('thinking');
    expect(foreignFields('completions', [])).toEqual({});
    expect(foreignFields('responses', [])).toMatchObject({ tool_choice: { types: ['string', 'object'] } });
  });

  it('answers the field at fault, and leaves unknown fields and own fields to their own rules', () => {
    const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const issue = inboundSchemas.messages.safeParse({ ...base, max_completion_tokens: {} }).error?.issues[0];
    expect(issue?.path).toEqual(['max_completion_tokens']);
    expect(issue?.message).toMatch(/^Invalid input: expected number or null, received object/);
    expect(inboundSchemas.messages.safeParse({ ...base, n: null, x_vendor: 'anything' }).success).toBe(true);
    // Anthropic's own `metadata` keeps its own schema, not chat's record of strings.
    expect(inboundSchemas.messages.safeParse({ ...base, metadata: { user_id: 'u' } }).success).toBe(true);
    expect(inboundSchemas.chat.safeParse({ ...base, thinking: { type: 'enabled' }, top_k: -1 }).success).toBe(true);
    expect(inboundSchemas.chat.safeParse({ ...base, thinking: 'on' }).error?.issues[0].path).toEqual(['thinking']);
  });
});
