// The Vercel AI SDK's OpenAI Responses model (@ai-sdk/openai: openai.responses) against
// qwen-proxy's /v1/responses, with a fake Qwen-style chat upstream behind it.
// Run: QP_PROXY_BIN=<build>/src/cli/qwen-proxy node --test ai-sdk.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { qwenToolCallStream, textStream, completion } from './fake-upstream.mjs';
import { lastChatRequest, loadSdk, withProxy } from './harness.mjs';

const { generateText, streamText, tool, stepCountIs } = await loadSdk('ai');
const { createOpenAI } = await loadSdk('@ai-sdk/openai');
const { z } = await loadSdk('zod');

const MODEL = 'qwen3-coder-plus';
const makeClient = (proxy) => createOpenAI({ baseURL: proxy.openaiBaseUrl, apiKey: 'client-key-unused' });

const add = () =>
  tool({
    description: 'Adds two numbers',
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => String(a + b),
  });

// The second request of a tool round trip: the call, then its output right after it.
function checkRoundTrip(upstream) {
  const messages = lastChatRequest(upstream).body.messages;
  assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'tool'], JSON.stringify(messages));
  assert.equal(messages[1].tool_calls[0].id, 'call_add_1');
  assert.deepEqual(JSON.parse(messages[1].tool_calls[0].function.arguments), { a: 2, b: 40 });
  assert.equal(messages[2].tool_call_id, 'call_add_1');
  assert.match(messages[2].content, /42/);
}

describe('AI SDK responses model through qwen-proxy', () => {
  const ctx = withProxy(makeClient);

  test('generateText', async () => {
    ctx.upstream.enqueue({ json: completion({ model: MODEL, message: { content: 'Paris.' } }) });
    const r = await generateText({ model: ctx.client.responses(MODEL), prompt: 'Capital of France?', maxRetries: 0 });
    assert.equal(r.text, 'Paris.');
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.usage.inputTokens, 11);
  });

  test('generateText with an executed tool', async () => {
    ctx.upstream.enqueue(
      { json: completion({ model: MODEL, message: { content: null, tool_calls: [{ id: 'call_add_1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":40}' } }] }, finishReason: 'tool_calls' }) },
      { json: completion({ model: MODEL, message: { content: 'The sum is 42.' } }) },
    );
    const r = await generateText({
      model: ctx.client.responses(MODEL),
      prompt: 'What is 2 + 40?',
      tools: { add: add() },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    assert.equal(r.text, 'The sum is 42.');
    assert.equal(r.steps.length, 2);
    checkRoundTrip(ctx.upstream);
  });

  test('streamText with an executed tool', async () => {
    ctx.upstream.enqueue(
      { sse: qwenToolCallStream({ model: MODEL, callId: 'call_add_1', name: 'add', argFragments: ['{"a": 2,', ' "b": 40}'] }) },
      { sse: textStream({ model: MODEL, pieces: ['The sum ', 'is 42.'] }) },
    );
    const errors = [];
    const r = streamText({
      model: ctx.client.responses(MODEL),
      prompt: 'What is 2 + 40?',
      tools: { add: add() },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      onError: ({ error }) => errors.push(error),
    });
    let text = '';
    for await (const part of r.textStream) text += part;
    assert.deepEqual(errors, []);
    assert.equal(text, 'The sum is 42.');
    assert.equal((await r.steps).length, 2);
    assert.equal((await r.totalUsage).inputTokens, 40 + 20);
    checkRoundTrip(ctx.upstream);
  });
});
