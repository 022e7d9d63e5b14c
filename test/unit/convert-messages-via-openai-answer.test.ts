import { describe, expect, it } from 'vitest';
import { chatResponseToMessage } from '../../worker/relay/formats/messages/hub';
import { completion, type Obj } from './messages-via-openai-fixtures';

describe('chatResponseToMessage', () => {
  it('maps a text completion', () => {
    const out = chatResponseToMessage(completion({ content: 'Hello there.' }, 'stop'), 'claude-sonnet-4-5');
    expect(out).toEqual({
      id: 'msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello there.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5 },
    });
  });

  it('maps tool calls (text first; invalid arguments -> {})', () => {
    const out = chatResponseToMessage(
      completion(
        {
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","units":"c"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{"city":' } },
          ],
        },
        'tool_calls',
      ),
      'claude-x',
    );
    expect(out.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris', units: 'c' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
    ]);
    expect(out.stop_reason).toBe('tool_use');
  });

  it('omits the text block when content is null or empty', () => {
    const out = chatResponseToMessage(
      completion(
        { content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '' } }] },
        'tool_calls',
      ),
      'c',
    );
    expect(out.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'f', input: {} }]);
    expect(chatResponseToMessage(completion({ content: '' }, 'stop'), 'c').content).toEqual([]);
  });

  it('maps finish reasons', () => {
    const reason = (finish: string | null, message: Obj = { content: 'x' }) =>
      chatResponseToMessage(completion(message, finish), 'c').stop_reason;
    expect(reason('stop')).toBe('end_turn');
    expect(reason('length')).toBe('max_tokens');
    expect(reason('tool_calls')).toBe('tool_use');
    expect(reason('function_call', { content: null, function_call: { name: 'f', arguments: '{"a":1}' } })).toBe(
      'tool_use',
    );
    expect(reason('content_filter')).toBe('refusal');
    expect(reason(null)).toBe('end_turn');
    expect(reason('something_new')).toBe('end_turn');
  });

  it('reports cached prompt tokens as cache_read_input_tokens', () => {
    const out = chatResponseToMessage(
      completion({ content: 'ok' }, 'stop', {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920 },
      }),
      'c',
    );
    expect(out.usage).toEqual({ input_tokens: 86, output_tokens: 300, cache_read_input_tokens: 1920 });
  });

  it('makes up an id when the upstream has none', () => {
    const out = chatResponseToMessage(completion({ content: 'ok' }, 'stop', undefined, null), 'c');
    expect(out.id).toMatch(/^msg_[0-9a-f]{24}$/);
  });
});
