// The official `openai` SDK's Responses API (client.responses) against qwen-proxy's
// /v1/responses, with a fake Qwen-style chat upstream behind it.
// Run: QP_PROXY_BIN=<build>/src/cli/qwen-proxy node --test responses.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { chunk, completion, qwenToolCallStream, textStream } from './fake-upstream.mjs';
import { lastChatRequest, loadSdk, withProxy } from './harness.mjs';

const { default: OpenAI, BadRequestError } = await loadSdk('openai');

const MODEL = 'qwen3-coder-plus';
const makeClient = (proxy) => new OpenAI({ baseURL: proxy.openaiBaseUrl, apiKey: 'client-key-unused', maxRetries: 0 });

describe('openai SDK responses through qwen-proxy', () => {
  const ctx = withProxy(makeClient);

  test('responses.create without streaming', async () => {
    ctx.upstream.enqueue({
      json: completion({ model: MODEL, message: { content: 'Paris.' }, usage: { prompt_tokens: 14, completion_tokens: 2, total_tokens: 16 } }),
    });
    const res = await ctx.client.responses.create({ model: MODEL, instructions: 'Answer briefly.', input: 'Capital of France?' });
    assert.match(res.id, /^resp_/);
    assert.equal(res.object, 'response');
    assert.equal(res.status, 'completed');
    assert.equal(res.output_text, 'Paris.');
    assert.equal(res.usage.input_tokens, 14);
    assert.equal(res.usage.output_tokens, 2);
    assert.equal(res.usage.total_tokens, 16);
    const sent = lastChatRequest(ctx.upstream).body;
    assert.deepEqual(sent.messages, [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
  });

  test('responses.stream: events and finalResponse', async () => {
    ctx.upstream.enqueue({ sse: textStream({ model: MODEL, pieces: ['Hel', 'lo, ', 'world!'], prompt: 9, out: 4 }) });
    const stream = ctx.client.responses.stream({ model: MODEL, input: 'Say hello' });
    let deltas = '';
    const types = [];
    stream.on('response.output_text.delta', (e) => {
      deltas += e.delta;
    });
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    assert.equal(deltas, 'Hello, world!');
    assert.equal(final.output_text, 'Hello, world!');
    assert.equal(final.status, 'completed');
    assert.equal(final.usage.input_tokens, 9);
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.equal(lastChatRequest(ctx.upstream).body.stream_options?.include_usage, true);
  });

  test('function_call_output round trip, streamed', async () => {
    ctx.upstream.enqueue(
      { sse: qwenToolCallStream({ model: MODEL, callId: 'call_add_1', name: 'add', argFragments: ['{"a": 2,', ' "b": 40}'] }) },
      { sse: textStream({ model: MODEL, pieces: ['The sum ', 'is 42.'] }) },
    );
    const tools = [
      { type: 'function', name: 'add', description: 'Adds', strict: false, parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } },
      { type: 'web_search' },
    ];
    const input = [{ role: 'user', content: 'What is 2 + 40?' }];
    const first = await ctx.client.responses.stream({ model: MODEL, input, tools }).finalResponse();
    const call = first.output.find((i) => i.type === 'function_call');
    assert.ok(call, JSON.stringify(first.output));
    assert.equal(call.call_id, 'call_add_1');
    assert.equal(call.name, 'add');
    const args = JSON.parse(call.arguments);
    assert.deepEqual(args, { a: 2, b: 40 });
    assert.equal(lastChatRequest(ctx.upstream).body.tools.length, 1, 'the hosted tool was sent upstream');

    const second = await ctx.client.responses
      .stream({ model: MODEL, tools, input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: String(args.a + args.b) }] })
      .finalResponse();
    assert.equal(second.output_text, 'The sum is 42.');
    const messages = lastChatRequest(ctx.upstream).body.messages;
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.equal(messages[1].tool_calls[0].id, 'call_add_1');
    assert.deepEqual(messages[2], { role: 'tool', tool_call_id: 'call_add_1', content: '42' });
  });

  test('previous_response_id and an item_reference turn', async () => {
    ctx.upstream.enqueue(
      { json: completion({ model: MODEL, message: { content: 'Blue.' } }) },
      { json: completion({ model: MODEL, message: { content: 'Green.' } }) },
      { json: completion({ model: MODEL, message: { content: 'Red.' } }) },
    );
    const first = await ctx.client.responses.create({ model: MODEL, input: 'Pick a colour' });
    await ctx.client.responses.create({ model: MODEL, previous_response_id: first.id, input: 'Another' });
    assert.deepEqual(lastChatRequest(ctx.upstream).body.messages, [
      { role: 'user', content: 'Pick a colour' },
      { role: 'assistant', content: 'Blue.' },
      { role: 'user', content: 'Another' },
    ]);
    await ctx.client.responses.create({
      model: MODEL,
      input: [{ role: 'user', content: 'Pick a colour' }, { type: 'item_reference', id: first.output[0].id }, { role: 'user', content: 'And one more' }],
    });
    assert.equal(lastChatRequest(ctx.upstream).body.messages[1].content, 'Blue.');
  });

  test('an unknown previous_response_id is a BadRequestError', async () => {
    await assert.rejects(ctx.client.responses.create({ model: MODEL, previous_response_id: 'resp_nope', input: 'x' }), (err) => {
      assert.ok(err instanceof BadRequestError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.code, 'previous_response_not_found');
      assert.equal(err.param, 'previous_response_id');
      return true;
    });
  });

  test('an in-band error mid-stream ends with response.failed', async () => {
    ctx.upstream.enqueue({
      sse: [
        chunk({ model: MODEL, delta: { role: 'assistant', content: 'Partial ' } }),
        chunk({ model: MODEL, delta: { content: 'Requests throttling triggered.' }, finishReason: 'error_finish' }),
      ],
    });
    const stream = ctx.client.responses.stream({ model: MODEL, input: 'hi' });
    const types = [];
    stream.on('event', (e) => types.push(e.type));
    // The SDK hands over the failed response; Codex reads error.code and retries after the delay.
    const final = await stream.finalResponse();
    assert.equal(final.status, 'failed');
    assert.equal(final.error.code, 'rate_limit_exceeded');
    assert.match(final.error.message, /try again in \d+s/);
    assert.equal(final.output_text, 'Partial ');
    assert.equal(types.at(-1), 'response.failed');
    assert.ok(!types.includes('response.completed'));
  });
});
