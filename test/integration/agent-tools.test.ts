/**
 * Coding agents' tools: only the hosted tools providers bill per call are billed per call (at the
 * operator's `tool:<type>` price, else the shipped default); every other tool type passes on.
 * Codex CLI 0.171.0's real first request (test/fixtures/, recorded from the e2e run) is served on
 * every channel type with no tool prices set.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import codex from '../fixtures/codex-0.171.0-first-request.json';
import { BASE, setPricing, setupCustomer, upstreamMode, upstreamRequests } from '../helpers';
import { logFor } from '../support/relay';

type Body = Record<string, unknown>;

function post(key: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

interface Usage {
  input_tokens: number;
  output_tokens: number;
}
interface Item {
  type: string;
  name?: string;
  namespace?: string;
  call_id?: string;
  arguments?: string;
}
interface Done {
  output: Item[];
  usage: Usage;
}

/** The response.completed event's response of a Responses stream. */
function completed(text: string): Done {
  const datas = text
    .split('\n\n')
    .map((b) => b.split('\n').find((l) => l.startsWith('data: ')))
    .filter((l): l is string => !!l);
  const done = datas
    .map((l) => JSON.parse(l.slice(6)) as { type: string; response?: Done })
    .find((e) => e.type === 'response.completed');
  if (!done?.response) throw new Error(`no response.completed in ${text.slice(0, 500)}`);
  return done.response;
}

const codexBody = (model: string): Body => ({ ...(codex.body as Body), model });

describe("Codex CLI's first request with no tool prices set", () => {
  it('an openai channel gets its tools as sent; the web search it makes is billed at the shipped price', async () => {
    const { user, token, model, channel } = await setupCustomer();
    const res = await post(token.key, codexBody(model), codex.headers);
    expect(res.status).toBe(200);
    const done = completed(await res.text());
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body?.tools).toEqual(codex.body.tools);
    expect(done.output.map((o) => o.type)).toEqual(['web_search_call', 'message']);
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    // $10 per 1,000 web_search calls is $0.01, 5,000 units a call
    expect(row.quota).toBe(done.usage.input_tokens + done.usage.output_tokens + 5000);
  });
});

describe('tool types on a native channel', () => {
  it('client-side and unknown tool types pass on, unrefused and not billed per call', async () => {
    const { token, model, channel } = await setupCustomer();
    const tools = [
      { type: 'function', name: 'f', parameters: { type: 'object', properties: {} } },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } },
      {
        type: 'namespace',
        name: 'ns',
        description: 'a namespace',
        tools: [{ type: 'function', name: 'g', parameters: { type: 'object', properties: {} } }],
      },
      { type: 'local_shell' },
      { type: 'shell' },
      { type: 'apply_patch' },
      { type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example/sse' },
      { type: 'a_tool_from_the_future', some: 'field' },
    ];
    const res = await post(token.key, { model, input: 'Hi', tools });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Done;
    expect(Number(res.headers.get('x-quota-charged'))).toBe(body.usage.input_tokens + body.usage.output_tokens);
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.body?.tools).toEqual(tools);
    expect(sent.body?.max_tool_calls).toBeUndefined();
  });

  it('hosted tools are billed per call at the shipped default, and the operator price wins', async () => {
    const { admin, token, model } = await setupCustomer();
    const cases: [string, number][] = [
      ['file_search', 1250],
      ['web_search_preview', 12500],
      ['web_search_2025_08_26', 5000],
      ['image_generation', 21000],
    ];
    for (const [type, perCall] of cases) {
      const res = await post(token.key, { model, input: 'Hi', tools: [{ type }] });
      expect(res.status, type).toBe(200);
      const body = (await res.json()) as Done;
      expect(Number(res.headers.get('x-quota-charged')), type).toBe(
        body.usage.input_tokens + body.usage.output_tokens + perCall,
      );
    }
    await setPricing(admin, { models: { 'tool:code_interpreter': { price_per_call: 0.002 } } });
    const res = await post(token.key, {
      model,
      input: 'Hi',
      tools: [{ type: 'code_interpreter', container: { type: 'auto' } }],
    });
    const body = (await res.json()) as Done;
    expect(Number(res.headers.get('x-quota-charged'))).toBe(body.usage.input_tokens + body.usage.output_tokens + 1000);
  });
});

interface Sent {
  body: Body | null;
  path: string;
}
const toolsOf = (sent: Sent) => (sent.body?.tools ?? []) as Body[];

describe('Codex CLI on converted routes', () => {
  it('an anthropic channel gets the namespace as function tools and web search as its server tool, billed per search', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' } });
    const res = await post(token.key, codexBody(model), codex.headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-relay-dropped-tools')).toBeNull();
    const done = completed(await res.text());
    const [sent] = await upstreamRequests(channel.scenario);
    expect(sent.path).toBe('/v1/messages');
    const names = toolsOf(sent).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'exec_command',
        'multi_agent_v1__close_agent',
        'multi_agent_v1__spawn_agent',
        'get_goal',
      ]),
    );
    expect(toolsOf(sent)).toContainEqual({ type: 'web_search_20250305', name: 'web_search', max_uses: 8 });
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.quota).toBe(done.usage.input_tokens + done.usage.output_tokens + 5000);
  });

  it('a gemini channel gets the function tools; web search is left out and named in x-relay-dropped-tools', async () => {
    const { user, token, model, channel } = await setupCustomer({ channel: { type: 'gemini' } });
    const res = await post(token.key, codexBody(model), codex.headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-relay-dropped-tools')).toBe('web_search');
    const done = completed(await res.text());
    const [sent] = await upstreamRequests(channel.scenario);
    const declared = ((toolsOf(sent)[0]?.functionDeclarations ?? []) as Body[]).map((d) => d.name);
    expect(declared).toEqual(expect.arrayContaining(['exec_command', 'multi_agent_v1__close_agent']));
    const row = await logFor(user.jwt, res.headers.get('x-request-id')!);
    expect(row.quota).toBe(done.usage.input_tokens + done.usage.output_tokens);
  });

  it("a call to a namespaced tool comes back in Codex's shape, streamed and not, and goes back flat on the next turn", async () => {
    const { token, model, channel } = await setupCustomer({ channel: { type: 'anthropic' } });
    await upstreamMode(channel.scenario, 'ok', {
      tool_name: 'multi_agent_v1__close_agent',
      tool_args: '{"target":"a1"}',
    });
    const ns = codex.body.tools.filter((t) => t.type === 'namespace');
    const plain = (await (await post(token.key, { model, input: 'Close a1.', tools: ns })).json()) as Done;
    const call = plain.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a1"}' });
    const streamed = completed(
      await (await post(token.key, { model, input: 'Close a1.', tools: ns, stream: true })).text(),
    );
    expect(streamed.output.find((o) => o.type === 'function_call')).toMatchObject({
      name: 'close_agent',
      namespace: 'multi_agent_v1',
    });
    const input = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Close a1.' }] },
      {
        type: 'function_call',
        call_id: call?.call_id,
        name: 'close_agent',
        namespace: 'multi_agent_v1',
        arguments: '{"target":"a1"}',
      },
      { type: 'function_call_output', call_id: call?.call_id, output: 'closed' },
    ];
    await upstreamMode(channel.scenario, 'ok');
    expect((await post(token.key, { model, input, tools: ns })).status).toBe(200);
    const last = (await upstreamRequests(channel.scenario)).at(-1) as Sent;
    const turns = last.body?.messages as { content: Body[] }[];
    expect(turns[1].content).toContainEqual(
      expect.objectContaining({ type: 'tool_use', name: 'multi_agent_v1__close_agent', input: { target: 'a1' } }),
    );
  });
});
