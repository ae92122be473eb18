// The official `@anthropic-ai/sdk` against qwen-proxy's Anthropic Messages endpoint, which
// translates to OpenAI chat for a fake Qwen-style upstream.
// Run: QP_PROXY_BIN=<build>/src/cli/qwen-proxy node --test anthropic.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { chunk, completion, qwenToolCallStream, textStream } from './fake-upstream.mjs';
import { lastChatRequest, loadSdk, withProxy } from './harness.mjs';

const { default: Anthropic, APIError, RateLimitError } = await loadSdk('@anthropic-ai/sdk');

const SONNET = 'claude-sonnet-4-6';
const HAIKU = 'claude-haiku-4-5';

// maxRetries 0: a flaky answer must fail the test, not be papered over by a retry.
const makeClient = (proxy) => new Anthropic({ baseURL: proxy.anthropicBaseUrl, apiKey: 'client-key-unused', maxRetries: 0 });

/** OpenAI message content as plain text, whether a string or an array of text parts. */
function textOf(content) {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => p.text ?? '').join('');
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer' } },
    required: ['city'],
  },
};

describe('anthropic SDK through qwen-proxy', () => {
  const ctx = withProxy(makeClient);

  test('messages.create without streaming', async () => {
    ctx.upstream.enqueue({
      json: completion({
        id: 'chatcmpl-anth-1',
        model: 'qwen3-coder-plus',
        message: { content: 'Bonjour!' },
        usage: { prompt_tokens: 21, completion_tokens: 3, total_tokens: 24 },
      }),
    });
    const msg = await ctx.client.messages.create({
      model: SONNET,
      max_tokens: 256,
      system: 'You translate to French.',
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.match(msg.id, /^msg_/);
    assert.deepEqual(msg.content, [{ type: 'text', text: 'Bonjour!' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, 21);
    assert.equal(msg.usage.output_tokens, 3);

    const sent = lastChatRequest(ctx.upstream).body;
    assert.equal(sent.model, 'qwen3-coder-plus', 'claude-* names map to DEFAULT_MODEL');
    assert.notEqual(sent.stream, true);
    assert.equal(sent.messages[0].role, 'system');
    assert.match(textOf(sent.messages[0].content), /You translate to French\./);
    assert.equal(sent.messages.at(-1).role, 'user');
    assert.equal(textOf(sent.messages.at(-1).content), 'Hello!');
  });

  test('messages.stream(...).finalMessage() for text, haiku mapped to DEFAULT_MODEL', async () => {
    ctx.upstream.enqueue({
      sse: textStream({ model: 'qwen3-coder-plus', pieces: ['Roses ', 'are ', 'red.'], prompt: 12, out: 6 }),
    });
    const stream = ctx.client.messages.stream({
      model: HAIKU,
      max_tokens: 128,
      messages: [{ role: 'user', content: 'Start a poem' }],
    });
    let streamedText = '';
    stream.on('text', (t) => {
      streamedText += t;
    });
    const msg = await stream.finalMessage();
    assert.equal(streamedText, 'Roses are red.');
    assert.equal(msg.content.length, 1, JSON.stringify(msg.content));
    assert.equal(msg.content[0].type, 'text');
    assert.equal(msg.content[0].text, 'Roses are red.');
    assert.equal(msg.stop_reason, 'end_turn');
    assert.match(msg.id, /^msg_/);
    assert.equal(msg.usage.output_tokens, 6);

    const sent = lastChatRequest(ctx.upstream).body;
    assert.equal(sent.model, 'qwen3-coder-plus', 'haiku names map to DEFAULT_MODEL (no plan serves a flash coder)');
    assert.equal(sent.stream, true);
    assert.equal(sent.stream_options?.include_usage, true);
  });

  test('tool use round trip: streamed tool_use with parsed input, tool_result, final text', async () => {
    ctx.upstream.enqueue({
      sse: [
        // Some text before the call, as Qwen often says what it is about to do.
        chunk({ id: 'chatcmpl-anth-t', model: 'qwen3-coder-plus', delta: { role: 'assistant', content: 'Let me check.' } }),
        ...qwenToolCallStream({
          model: 'qwen3-coder-plus',
          id: 'chatcmpl-anth-t',
          callId: 'call_abc123',
          name: 'get_weather',
          argFragments: ['{"city": "Be', 'rlin", "da', 'ys": 3}'],
        }).slice(1), // its own role chunk is not needed after the text
      ],
    });
    const first = await ctx.client.messages
      .stream({
        model: SONNET,
        max_tokens: 512,
        tools: [WEATHER_TOOL],
        messages: [{ role: 'user', content: 'Weather in Berlin for 3 days?' }],
      })
      .finalMessage();
    assert.equal(first.stop_reason, 'tool_use');
    assert.deepEqual(
      first.content.map((b) => b.type),
      ['text', 'tool_use'],
      JSON.stringify(first.content),
    );
    assert.equal(first.content[0].text, 'Let me check.');
    const toolUse = first.content[1];
    assert.equal(toolUse.id, 'call_abc123');
    assert.equal(toolUse.name, 'get_weather');
    assert.deepEqual(toolUse.input, { city: 'Berlin', days: 3 });

    const sentTools = lastChatRequest(ctx.upstream).body.tools;
    assert.equal(sentTools?.length, 1);
    assert.equal(sentTools[0].type, 'function');
    assert.equal(sentTools[0].function.name, 'get_weather');
    assert.deepEqual(sentTools[0].function.parameters.required, ['city']);

    ctx.upstream.enqueue({ sse: textStream({ model: 'qwen3-coder-plus', pieces: ['Sunny, ', '21 °C.'] }) });
    const second = await ctx.client.messages
      .stream({
        model: SONNET,
        max_tokens: 512,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Berlin for 3 days?' },
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'sunny, 21 C' }],
          },
        ],
      })
      .finalMessage();
    assert.equal(second.stop_reason, 'end_turn');
    assert.deepEqual(second.content, [{ type: 'text', text: 'Sunny, 21 °C.' }]);

    const msgs = lastChatRequest(ctx.upstream).body.messages;
    const assistant = msgs.find((m) => m.role === 'assistant');
    assert.ok(assistant, `no assistant message in ${JSON.stringify(msgs)}`);
    assert.equal(assistant.tool_calls?.length, 1, JSON.stringify(assistant));
    assert.equal(assistant.tool_calls[0].id, 'call_abc123');
    assert.equal(assistant.tool_calls[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { city: 'Berlin', days: 3 });
    assert.match(textOf(assistant.content), /Let me check\./);
    const tool = msgs.find((m) => m.role === 'tool');
    assert.ok(tool, `no tool message in ${JSON.stringify(msgs)}`);
    assert.equal(tool.tool_call_id, 'call_abc123');
    assert.equal(textOf(tool.content), 'sunny, 21 C');
    assert.ok(msgs.indexOf(tool) > msgs.indexOf(assistant), 'tool result must follow the tool call');
  });

  test('messages.countTokens answers locally with a positive count', async () => {
    const before = ctx.upstream.requests.length;
    const short = await ctx.client.messages.countTokens({
      model: SONNET,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const long = await ctx.client.messages.countTokens({
      model: SONNET,
      system: 'You are a careful assistant.',
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Tell me a long story about a lighthouse keeper. '.repeat(20) }],
    });
    assert.equal(typeof short.input_tokens, 'number');
    assert.ok(short.input_tokens > 0, `input_tokens=${short.input_tokens}`);
    assert.ok(long.input_tokens > short.input_tokens + 100, `${long.input_tokens} vs ${short.input_tokens}`);
    assert.equal(ctx.upstream.requests.length, before, 'count_tokens must not call the upstream');
  });

  for (const prefix of ['', '/anthropic']) {
    test(`models.list on ${prefix}/v1/models`, async () => {
      const client = new Anthropic({ baseURL: ctx.proxy.anthropicBaseUrl + prefix, apiKey: 'unused', maxRetries: 0 });
      const page = await client.models.list();
      const ids = page.data.map((m) => m.id);
      assert.ok(ids.includes('qwen3-coder-plus'), ids.join(', '));
      for (const m of page.data) {
        assert.equal(m.type, 'model');
        assert.equal(typeof m.display_name, 'string');
        assert.ok(!Number.isNaN(Date.parse(m.created_at)), `created_at ${m.created_at}`);
      }
    });
  }

  test('the /anthropic prefix serves the same Messages API', async () => {
    ctx.upstream.enqueue({ json: completion({ model: 'qwen3-coder-plus', message: { content: 'prefixed ok' } }) });
    const client = new Anthropic({ baseURL: `${ctx.proxy.anthropicBaseUrl}/anthropic`, apiKey: 'unused', maxRetries: 0 });
    const msg = await client.messages.create({ model: SONNET, max_tokens: 32, messages: [{ role: 'user', content: 'ping' }] });
    assert.deepEqual(msg.content, [{ type: 'text', text: 'prefixed ok' }]);
    assert.equal(lastChatRequest(ctx.upstream).body.model, 'qwen3-coder-plus');
  });
});

describe('anthropic SDK error mapping', () => {
  const ctx = withProxy(makeClient);

  test('an in-band error_finish mid-stream reaches the SDK as an error event', async () => {
    ctx.upstream.enqueue({
      sse: [
        chunk({ id: 'chatcmpl-err', model: 'qwen3-coder-plus', delta: { role: 'assistant', content: 'Partial ' } }),
        chunk({
          id: 'chatcmpl-err',
          model: 'qwen3-coder-plus',
          delta: { content: 'Requests throttling triggered.' },
          finishReason: 'error_finish',
        }),
      ],
    });
    const stream = ctx.client.messages.stream({
      model: SONNET,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    stream.on('text', (t) => {
      text += t;
    });
    await assert.rejects(stream.finalMessage(), (err) => {
      assert.ok(err instanceof APIError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.error?.error?.type, 'rate_limit_error', JSON.stringify(err.error));
      assert.match(err.error.error.message, /throttling/);
      return true;
    });
    // The error text must not be passed off as model output.
    assert.equal(text, 'Partial ');
  });

  test('upstream 429 with Retry-After becomes RateLimitError', async () => {
    ctx.upstream.enqueue({
      status: 429,
      headers: { 'retry-after': '5' },
      json: { error: { message: 'Requests rate limit exceeded, please try again later.', type: 'throttling' } },
    });
    await assert.rejects(
      ctx.client.messages.create({ model: SONNET, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
      (err) => {
        assert.ok(err instanceof RateLimitError, `got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.status, 429);
        assert.equal(err.error?.type, 'error');
        assert.equal(err.error?.error?.type, 'rate_limit_error');
        assert.match(err.error.error.message, /rate limit/i);
        assert.equal(err.headers.get('retry-after'), '5');
        return true;
      },
    );
    assert.equal(ctx.upstream.pending(), 0);
    assert.equal(ctx.upstream.chatRequests().length, 2, 'the proxy retried a 429 on its own');
  });
});
