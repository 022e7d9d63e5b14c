import { describe, expect, it } from 'vitest';
import { messagesToChatRequest } from '../../worker/relay/formats/messages/hub';
import type { Obj } from './messages-via-openai-fixtures';

const msgs = (out: Obj) => out.messages as Obj[];

describe('messagesToChatRequest', () => {
  it('maps system, model, sampling fields and metadata; drops Anthropic-only fields', () => {
    const out = messagesToChatRequest(
      {
        model: 'claude-sonnet-4-5',
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 256,
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        metadata: { user_id: 'user-42' },
      },
      'gpt-4o-mini',
    );
    expect(out).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 256,
      temperature: 0.3,
      top_p: 0.9,
      user: 'user-42',
    });
  });

  it('joins a system given as text blocks (cache_control dropped)', () => {
    const out = messagesToChatRequest(
      {
        system: [
          { type: 'text', text: 'Part one.' },
          { type: 'text', text: 'Part two.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
        max_tokens: 10,
      },
      'm',
    );
    expect(msgs(out)[0]).toEqual({ role: 'system', content: 'Part one.\n\nPart two.' });
    expect(msgs(out)[1]).toEqual({ role: 'user', content: 'a\nb' });
  });

  it('maps base64 and url images to image_url parts', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      },
      'm',
    );
    expect(msgs(out)).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('maps a tool_use / tool_result round, tool messages before the remaining user text', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'sig' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C sunny' },
              { type: 'text', text: 'Also, be brief.' },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_2',
                content: [
                  { type: 'text', text: '22C' },
                  { type: 'text', text: 'clear' },
                ],
                is_error: false,
              },
            ],
          },
        ],
      },
      'm',
    );
    expect(msgs(out)).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C sunny' },
      { role: 'tool', tool_call_id: 'toolu_2', content: '22C\nclear' },
      { role: 'user', content: 'Also, be brief.' },
    ]);
  });

  it('gives an assistant turn with only tool_use a null content, and moves tool_result images to a user turn', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 100,
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'screenshot', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [
                  { type: 'text', text: 'captured' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
                ],
              },
            ],
          },
        ],
      },
      'm',
    );
    expect(msgs(out)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'screenshot', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'captured' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }] },
    ]);
  });

  it('maps tools and every tool_choice; drops server tools and a tool_choice without tools', () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather by city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'noop', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
    ];
    const base = { max_tokens: 10, messages: [{ role: 'user', content: 'x' }], tools };
    const out = messagesToChatRequest({ ...base, tool_choice: { type: 'auto' } }, 'm');
    expect(out.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather by city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(out.tool_choice).toBe('auto');
    expect(out).not.toHaveProperty('parallel_tool_calls');
    expect(messagesToChatRequest({ ...base, tool_choice: { type: 'any' } }, 'm').tool_choice).toBe('required');
    expect(messagesToChatRequest({ ...base, tool_choice: { type: 'none' } }, 'm').tool_choice).toBe('none');
    const forced = messagesToChatRequest(
      { ...base, tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true } },
      'm',
    );
    expect(forced.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(forced.parallel_tool_calls).toBe(false);
    expect(messagesToChatRequest({ ...base }, 'm')).not.toHaveProperty('tool_choice');

    const noTools = messagesToChatRequest({ max_tokens: 10, messages: [], tool_choice: { type: 'any' } }, 'm');
    expect(noTools).not.toHaveProperty('tools');
    expect(noTools).not.toHaveProperty('tool_choice');
  });

  it('maps stop_sequences to stop and stream to stream + include_usage', () => {
    const out = messagesToChatRequest(
      {
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
        stop_sequences: ['\n\nHuman:', 'END'],
        stream: true,
      },
      'm',
    );
    expect(out.stop).toEqual(['\n\nHuman:', 'END']);
    expect(out.stream).toBe(true);
    expect(out.stream_options).toEqual({ include_usage: true });
    const plain = messagesToChatRequest({ max_tokens: 10, messages: [], stream: false, stop_sequences: [] }, 'm');
    expect(plain).not.toHaveProperty('stream');
    expect(plain).not.toHaveProperty('stream_options');
    expect(plain).not.toHaveProperty('stop');
  });
});
