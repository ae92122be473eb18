// Client keys through the official SDKs: with require_key=always (what a tunnel or a LAN setup
// needs), each SDK raises its own error class for the proxy's 401, 403 and 429, and honours
// retry-after-ms: a request refused for a busy concurrency slot is retried by the SDK itself after
// the wait the proxy asked for, and then succeeds. Keys are made with the real `qwen-proxy keys`.
// Run: QP_PROXY_BIN=<build>/src/cli/qwen-proxy node --test client-keys.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { completion, textStream } from './fake-upstream.mjs';
import { loadSdk, withProxy } from './harness.mjs';

const { default: OpenAI } = await loadSdk('openai');
const { default: Anthropic } = await loadSdk('@anthropic-ai/sdk');

const MODEL = 'qwen3-coder-plus';
// keys[0]: every model, one request at a time; keys[1]: qwen3-coder-* only.
const KEYS = [['--name', 'one-at-a-time', '--concurrency', '1'], ['--name', 'coder-only', '--model', 'qwen3-coder-*']];
const ENV = { REQUIRE_KEY: 'always' };

const answer = (text, delayMs = 0) => ({
  delayMs,
  json: completion({ model: MODEL, message: { content: text }, usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }),
});

describe('openai SDK and client keys', () => {
  const ctx = withProxy(() => null, { env: ENV, keys: KEYS });
  const client = (apiKey, opts = {}) => new OpenAI({ baseURL: ctx.proxy.openaiBaseUrl, apiKey, maxRetries: 0, ...opts });

  test('a made-up key is an AuthenticationError, and nothing reaches the upstream', async () => {
    const before = ctx.upstream.chatRequests().length;
    await assert.rejects(
      client('sk-made-up').chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      (e) => e instanceof OpenAI.AuthenticationError && e.status === 401 && /client key/.test(e.message),
    );
    assert.equal(ctx.upstream.chatRequests().length, before);
  });

  test('a key limited to other models is a PermissionDeniedError', async () => {
    await assert.rejects(
      client(ctx.proxy.keys[1]).chat.completions.create({ model: 'qwen3-max', messages: [{ role: 'user', content: 'hi' }] }),
      (e) => e instanceof OpenAI.PermissionDeniedError && e.status === 403 && /qwen3-max/.test(e.message),
    );
    ctx.upstream.enqueue(answer('ok'));
    const res = await client(ctx.proxy.keys[1]).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0].message.content, 'ok');
  });

  test('over the concurrency limit: RateLimitError with retry-after-ms, then the SDK retries after it', async () => {
    const key = ctx.proxy.keys[0];
    ctx.upstream.enqueue(answer('slow', 600), answer('second'));
    const first = client(key).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'one' }] });
    // Wait until the first request holds the key's only slot (it reached the upstream).
    const seen = ctx.upstream.chatRequests().length;
    while (ctx.upstream.chatRequests().length === seen) await new Promise((r) => setTimeout(r, 10));

    // Without retries the 429 surfaces with the headers the SDK reads.
    const refused = await client(key)
      .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'two' }] })
      .then(() => null, (e) => e);
    assert.ok(refused instanceof OpenAI.RateLimitError, String(refused));
    assert.equal(refused.status, 429);
    const ms = Number(refused.headers.get('retry-after-ms'));
    assert.ok(ms > 0 && ms <= 60000, `retry-after-ms ${ms}`);
    assert.equal(refused.headers.get('x-should-retry'), 'true');

    // With retries the SDK waits what the proxy said and gets through once the slot is free.
    const started = Date.now();
    const second = await client(key, { maxRetries: 3 }).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'two' }] });
    assert.equal(second.choices[0].message.content, 'second');
    assert.equal((await first).choices[0].message.content, 'slow');
    assert.ok(Date.now() - started >= 500, 'the retry came after the advertised wait');
  });
});

describe('anthropic SDK and client keys', () => {
  const ctx = withProxy(() => null, { env: ENV, keys: KEYS });
  const client = (apiKey) => new Anthropic({ baseURL: ctx.proxy.anthropicBaseUrl, apiKey, maxRetries: 0 });
  const ask = (c, model = 'claude-sonnet-4-6') => c.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

  test('a made-up key is an AuthenticationError', async () => {
    await assert.rejects(ask(client('sk-ant-made-up')), (e) => e instanceof Anthropic.AuthenticationError && e.status === 401);
  });

  test('a valid key (sent as x-api-key) is served', async () => {
    ctx.upstream.enqueue({ sse: textStream({ model: MODEL, pieces: ['he', 'llo'] }) });
    const stream = client(ctx.proxy.keys[0]).messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const msg = await stream.finalMessage();
    assert.equal(msg.content[0].text, 'hello');
  });

  test('a key limited to other models is a PermissionDeniedError', async () => {
    await assert.rejects(ask(client(ctx.proxy.keys[1]), 'qwen3-max'), (e) => e instanceof Anthropic.PermissionDeniedError && e.status === 403);
  });

  test('over the concurrency limit: RateLimitError', async () => {
    ctx.upstream.enqueue(answer('slow', 500));
    const first = ask(client(ctx.proxy.keys[0]));
    const seen = ctx.upstream.chatRequests().length;
    while (ctx.upstream.chatRequests().length === seen) await new Promise((r) => setTimeout(r, 10));
    const refused = await ask(client(ctx.proxy.keys[0])).then(() => null, (e) => e);
    assert.ok(refused instanceof Anthropic.RateLimitError, String(refused));
    assert.ok(Number(refused.headers.get('retry-after-ms')) > 0);
    assert.equal(refused.error?.error?.type ?? refused.error?.type, 'rate_limit_error');
    await first;
  });
});
