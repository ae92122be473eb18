// The official `openai` SDK against qwen-proxy's /v1, with a fake Qwen-style upstream behind it.
// Run: QP_PROXY_BIN=<build>/src/cli/qwen-proxy node --test openai.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { chunk, completion, textStream, usageChunk } from './fake-upstream.mjs';
import { CODING_PLAN_KEY, lastChatRequest, loadSdk, withProxy } from './harness.mjs';

const { default: OpenAI, APIError, RateLimitError } = await loadSdk('openai');

const MODEL = 'qwen3-coder-plus';

// maxRetries 0: a flaky answer must fail the test, not be papered over by a retry.
const makeClient = (proxy) => new OpenAI({ baseURL: proxy.openaiBaseUrl, apiKey: 'client-key-unused', maxRetries: 0 });

describe('openai SDK through qwen-proxy', () => {
  const ctx = withProxy(makeClient);

  test('chat.completions.create without streaming', async () => {
    ctx.upstream.enqueue({
      json: completion({
        id: 'chatcmpl-nonstream-1',
        model: MODEL,
        message: { content: 'Paris is the capital of France.' },
        usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
      }),
    });
    const res = await ctx.client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Capital of France?' },
      ],
      temperature: 0.2,
    });
    assert.equal(res.id, 'chatcmpl-nonstream-1');
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.choices.length, 1);
    assert.equal(res.choices[0].message.role, 'assistant');
    assert.equal(res.choices[0].message.content, 'Paris is the capital of France.');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.deepEqual(
      { p: res.usage.prompt_tokens, c: res.usage.completion_tokens, t: res.usage.total_tokens },
      { p: 14, c: 8, t: 22 },
    );

    const sent = lastChatRequest(ctx.upstream).body;
    assert.equal(sent.model, MODEL);
    assert.notEqual(sent.stream, true);
    assert.equal(sent.temperature, 0.2);
    assert.equal(sent.messages.at(-1).role, 'user');
    assert.match(JSON.stringify(sent.messages.at(-1).content), /Capital of France\?/);
  });

  test('streaming text with for-await and a usage chunk', async () => {
    const pieces = ['Hel', 'lo, ', 'wor', 'ld!'];
    ctx.upstream.enqueue({ sse: textStream({ model: MODEL, pieces, prompt: 9, out: 4, id: 'chatcmpl-stream-1' }) });
    const stream = await ctx.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish = null;
    let usage = null;
    let chunks = 0;
    for await (const c of stream) {
      chunks += 1;
      assert.equal(c.object, 'chat.completion.chunk');
      assert.ok(Array.isArray(c.choices), 'choices must always be an array');
      for (const ch of c.choices) {
        text += ch.delta?.content ?? '';
        if (ch.finish_reason) {
          assert.equal(finish, null, 'finish_reason sent twice');
          finish = ch.finish_reason;
        }
      }
      if (c.usage) {
        assert.equal(usage, null, 'usage sent twice');
        assert.deepEqual(c.choices, [], 'the usage chunk carries no choices');
        usage = c.usage;
      }
    }
    assert.equal(text, 'Hello, world!');
    assert.equal(finish, 'stop');
    assert.ok(chunks >= pieces.length + 1, `only ${chunks} chunks`);
    assert.ok(usage, 'no usage chunk although include_usage was asked');
    assert.equal(usage.prompt_tokens, 9);
    assert.equal(usage.completion_tokens, 4);

    const sent = lastChatRequest(ctx.upstream).body;
    assert.equal(sent.model, MODEL);
    assert.equal(sent.stream, true);
    assert.equal(sent.stream_options?.include_usage, true);
  });

  test('streaming without include_usage: the proxy still asks upstream but hides the usage chunk', async () => {
    ctx.upstream.enqueue({ sse: textStream({ model: MODEL, pieces: ['one ', 'two'] }) });
    const stream = await ctx.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    let text = '';
    for await (const c of stream) {
      assert.equal(c.usage ?? null, null, `unrequested usage chunk forwarded: ${JSON.stringify(c)}`);
      assert.ok(c.choices.length > 0, `empty choices forwarded: ${JSON.stringify(c)}`);
      text += c.choices[0].delta?.content ?? '';
    }
    assert.equal(text, 'one two');
    // Accounting needs the numbers even when the client did not ask for them.
    assert.equal(lastChatRequest(ctx.upstream).body.stream_options?.include_usage, true);
  });

  test('stream() helper accumulates irregular Qwen tool-call deltas (finalChatCompletion)', async () => {
    const id = 'chatcmpl-tools-1';
    ctx.upstream.enqueue({
      sse: [
        chunk({ id, model: MODEL, delta: { role: 'assistant', content: '' } }),
        // Qwen: id, name and the first arguments fragment in a single delta.
        chunk({
          id,
          model: MODEL,
          delta: { tool_calls: [{ index: 0, id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city": ' } }] },
        }),
        // Continuations: empty id, repeated type, no name.
        chunk({ id, model: MODEL, delta: { tool_calls: [{ index: 0, id: '', type: 'function', function: { arguments: '"Par' } }] } }),
        chunk({ id, model: MODEL, delta: { tool_calls: [{ index: 0, function: { arguments: 'is", "unit": "C"}' } }] } }),
        // A second call for a tool without parameters: no arguments at all.
        chunk({ id, model: MODEL, delta: { tool_calls: [{ index: 1, id: 'call_t2', type: 'function', function: { name: 'get_time' } }] } }),
        chunk({ id, model: MODEL, delta: {}, finishReason: 'tool_calls' }),
        // Qwen sometimes repeats the finish chunk.
        chunk({ id, model: MODEL, delta: {}, finishReason: 'tool_calls' }),
        usageChunk({ id, model: MODEL, prompt: 50, completion: 20 }),
      ],
    });
    const runner = ctx.client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris, and the time?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } } } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      stream_options: { include_usage: true },
    });
    const doneCalls = [];
    runner.on('tool_calls.function.arguments.done', (e) => doneCalls.push(e.name));
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    const calls = choice.message.tool_calls;
    assert.equal(calls.length, 2, JSON.stringify(calls));
    assert.equal(calls[0].id, 'call_w1');
    assert.equal(calls[0].type, 'function');
    assert.equal(calls[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(calls[0].function.arguments), { city: 'Paris', unit: 'C' });
    assert.equal(calls[1].id, 'call_t2');
    assert.equal(calls[1].function.name, 'get_time');
    assert.deepEqual(JSON.parse(calls[1].function.arguments), {});
    assert.deepEqual(doneCalls, ['get_weather', 'get_time']);
    assert.equal(final.usage?.completion_tokens, 20);
  });

  test('runTools round trip: streamed tool call, local function, role tool message, final answer', async () => {
    ctx.upstream.enqueue(
      {
        sse: [
          chunk({ id: 'chatcmpl-rt-1', model: MODEL, delta: { role: 'assistant', content: '' } }),
          chunk({
            id: 'chatcmpl-rt-1',
            model: MODEL,
            delta: { tool_calls: [{ index: 0, id: 'call_add_9', type: 'function', function: { name: 'add', arguments: '{"a": 2,' } }] },
          }),
          chunk({ id: 'chatcmpl-rt-1', model: MODEL, delta: { tool_calls: [{ index: 0, function: { arguments: ' "b": 40}' } }] } }),
          chunk({ id: 'chatcmpl-rt-1', model: MODEL, delta: {}, finishReason: 'tool_calls' }),
          usageChunk({ id: 'chatcmpl-rt-1', model: MODEL, prompt: 30, completion: 10 }),
        ],
      },
      { sse: textStream({ model: MODEL, pieces: ['The sum ', 'is 42.'], id: 'chatcmpl-rt-2' }) },
    );
    const seenArgs = [];
    const runner = ctx.client.chat.completions.runTools({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'What is 2 + 40?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'add',
            description: 'Adds two numbers',
            parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
            parse: JSON.parse,
            function: (args) => {
              seenArgs.push(args);
              return String(args.a + args.b);
            },
          },
        },
      ],
    });
    const content = await runner.finalContent();
    assert.equal(content, 'The sum is 42.');
    assert.deepEqual(seenArgs, [{ a: 2, b: 40 }]);

    const reqs = ctx.upstream.chatRequests().slice(-2);
    assert.equal(reqs.length, 2);
    const second = reqs[1].body;
    assert.equal(second.model, MODEL);
    const assistant = second.messages.find((m) => m.role === 'assistant');
    assert.ok(assistant, `no assistant message in ${JSON.stringify(second.messages)}`);
    assert.equal(assistant.tool_calls?.[0]?.id, 'call_add_9');
    assert.equal(assistant.tool_calls[0].function.name, 'add');
    assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { a: 2, b: 40 });
    const tool = second.messages.find((m) => m.role === 'tool');
    assert.ok(tool, `no tool message in ${JSON.stringify(second.messages)}`);
    assert.equal(tool.tool_call_id, 'call_add_9');
    assert.match(JSON.stringify(tool.content), /42/);
  });

  test('models.list', async () => {
    const ids = [];
    for await (const m of ctx.client.models.list()) {
      assert.equal(m.object, 'model');
      assert.equal(typeof m.created, 'number');
      ids.push(m.id);
    }
    assert.ok(ids.includes('qwen3-coder-plus'), ids.join(', '));
    // An API-key upstream: the plans' models, never the OAuth tier's aliases.
    assert.ok(!ids.includes('coder-model'), ids.join(', '));
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
  });
});

describe('openai SDK error mapping', () => {
  const ctx = withProxy(makeClient);

  test('an in-band error_finish mid-stream makes the for-await loop throw', async () => {
    ctx.upstream.enqueue({
      sse: [
        chunk({ id: 'chatcmpl-err', model: MODEL, delta: { role: 'assistant', content: 'Partial ' } }),
        chunk({ id: 'chatcmpl-err', model: MODEL, delta: { content: 'Requests throttling triggered.' }, finishReason: 'error_finish' }),
      ],
    });
    const stream = await ctx.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      })(),
      (err) => {
        assert.ok(err instanceof APIError, `got ${err?.constructor?.name}: ${err?.message}`);
        assert.match(err.message, /throttling/);
        return true;
      },
    );
    // The error text must not be passed off as model output.
    assert.equal(text, 'Partial ');
  });

  test('upstream 429 with Retry-After becomes RateLimitError', async () => {
    ctx.upstream.enqueue({
      status: 429,
      headers: { 'retry-after': '7' },
      json: { error: { message: 'Requests throttling triggered.', type: 'throttling', code: 'Throttling' } },
    });
    await assert.rejects(
      ctx.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      (err) => {
        assert.ok(err instanceof RateLimitError, `got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.status, 429);
        assert.match(err.message, /throttling/i);
        assert.equal(err.headers.get('retry-after'), '7');
        return true;
      },
    );
    assert.equal(ctx.upstream.pending(), 0);
    assert.equal(ctx.upstream.chatRequests().length, 2, 'the proxy retried a 429 on its own');
  });
});

describe('openai SDK with only a Coding Plan key', () => {
  const ctx = withProxy(makeClient, { provider: { id: 'cp', preset: 'coding-plan-intl' } });

  test('streaming text and models.list come from the plan', async () => {
    ctx.upstream.enqueue({ sse: textStream({ model: 'qwen3.7-plus', pieces: ['Hi ', 'there'], prompt: 5, out: 2 }) });
    const stream = await ctx.client.chat.completions.create({
      model: 'qwen3.7-plus',
      messages: [{ role: 'user', content: 'Say hi' }],
      stream: true,
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'Hi there');
    const sent = lastChatRequest(ctx.upstream, CODING_PLAN_KEY).body;
    assert.equal(sent.model, 'qwen3.7-plus', 'a model the plan serves passes as it is');
    const ids = [];
    for await (const m of ctx.client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('qwen3-coder-plus') && ids.includes('qwen3.7-plus'), ids.join(', '));
    assert.ok(!ids.includes('coder-model'), 'the OAuth tier alias is not offered to a key user');
  });
});
