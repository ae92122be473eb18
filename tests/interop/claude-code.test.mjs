// The real Claude Code CLI (pinned in package.json) in print mode against qwen-proxy's Anthropic
// endpoint, which translates to OpenAI chat for the fake upstream. Claude Code gets a throw-away
// HOME and working directory and every switch that stops its own network traffic, so the only
// server it can reach is the proxy on 127.0.0.1.
// Run: QP_PROXY_BIN=<build>/src/cli/qwen-proxy node --test claude-code.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { qwenToolCallStream, textStream } from './fake-upstream.mjs';
import { CODING_PLAN_KEY, lastChatRequest, withProxy } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, 'node_modules', '@anthropic-ai', 'claude-code');

// Claude Code's default model changes between releases and newer defaults switch on betas that
// change the request shape; naming one keeps the request under test fixed.
const MODEL = 'claude-sonnet-4-6';
const QWEN = 'qwen3-coder-plus';
const RUN_TIMEOUT_MS = 60000;

/**
 * The command that starts Claude Code: the native binary the package's postinstall copies over
 * bin/claude.exe, or, when install scripts were skipped and only the small placeholder is there,
 * the package's own wrapper that finds the platform package.
 */
function claudeCommand() {
  if (!existsSync(path.join(packageDir, 'package.json'))) {
    throw new Error(
      `tests/interop/node_modules/@anthropic-ai/claude-code is missing: run \`npm ci\` in ` +
        `tests/interop (${here}), then run the interop tests again.`,
    );
  }
  const exe = path.join(packageDir, 'bin', 'claude.exe');
  if (existsSync(exe) && statSync(exe).size > 1024 * 1024) return { cmd: exe, pre: [] };
  return { cmd: process.execPath, pre: [path.join(packageDir, 'cli-wrapper.cjs')] };
}

/**
 * Runs `claude -p <prompt> --output-format json --model MODEL ...args` against the proxy and
 * resolves with its exit status, output and the parsed result object. A run that outlives
 * RUN_TIMEOUT_MS is killed, so a hang fails the test instead of reaching ctest's timeout.
 */
async function runClaude(proxy, prompt, { args = [], env = {} } = {}) {
  const { cmd, pre } = claudeCommand();
  const scratch = mkdtempSync(path.join(tmpdir(), 'qp-claude-code-'));
  const childEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: scratch,
    ANTHROPIC_BASE_URL: proxy.anthropicBaseUrl,
    ANTHROPIC_API_KEY: 'client-key-unused',
    // Nothing but the model request may leave the process: no telemetry, error reports,
    // update checks or other calls home.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    ...env,
  };
  const child = spawn(cmd, [...pre, '-p', prompt, '--output-format', 'json', '--model', MODEL, ...args], {
    cwd: scratch, // an empty folder: no CLAUDE.md or git state from this repository
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (s) => {
    stdout += s;
  });
  child.stderr.on('data', (s) => {
    stderr += s;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, RUN_TIMEOUT_MS);
  const { code, signal } = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve({ code: c, signal: s }));
  });
  clearTimeout(timer);
  rmSync(scratch, { recursive: true, force: true });

  const why = `claude exit ${code} signal ${signal}\nstdout: ${stdout}\nstderr: ${stderr}\nproxy: ${proxy.stdoutLines.join('\n')}`;
  assert.ok(!timedOut, `claude did not finish in ${RUN_TIMEOUT_MS} ms\n${why}`);
  let result;
  try {
    result = JSON.parse(stdout);
  } catch {
    assert.fail(`claude printed no JSON result\n${why}`);
  }
  return { code, signal, result, why };
}

/** OpenAI message content as plain text, whether a string or an array of text parts. */
function textOf(content) {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => p.text ?? '').join('');
}

describe('Claude Code CLI through qwen-proxy', () => {
  const ctx = withProxy(() => null);

  test('print mode: a streamed text answer becomes the result', async () => {
    const before = ctx.upstream.chatRequests().length;
    ctx.upstream.enqueue({ sse: textStream({ model: QWEN, pieces: ['Hello ', 'from the ', 'fake upstream!'], prompt: 20, out: 5 }) });

    const { code, result, why } = await runClaude(ctx.proxy, 'say hello');

    assert.equal(result.is_error, false, why);
    assert.equal(code, 0, why);
    assert.equal(result.result, 'Hello from the fake upstream!');
    assert.equal(result.stop_reason, 'end_turn');
    assert.equal(result.usage.input_tokens, 20);
    assert.equal(result.usage.output_tokens, 5);

    assert.equal(ctx.upstream.chatRequests().length, before + 1, 'one model request for one text answer');
    const sent = lastChatRequest(ctx.upstream).body;
    assert.equal(sent.model, QWEN, 'claude-* names map to DEFAULT_MODEL');
    assert.equal(sent.stream, true);
    assert.equal(sent.messages[0].role, 'system', "Claude Code's system prompt comes first");
    assert.equal(sent.messages.at(-1).role, 'user');
    assert.match(textOf(sent.messages.at(-1).content), /say hello/);
    const toolNames = sent.tools.map((t) => t.function.name);
    for (const name of ['Bash', 'Read', 'Edit', 'Write']) assert.ok(toolNames.includes(name), `tool ${name} forwarded`);
  });

  test('print mode: a streamed Bash tool call runs and its output goes back as a tool message', async () => {
    const before = ctx.upstream.chatRequests().length;
    ctx.upstream.enqueue(
      {
        sse: qwenToolCallStream({
          model: QWEN,
          callId: 'call_cc_bash_1',
          name: 'Bash',
          argFragments: ['{"command": "echo qp-', 'interop-marker", "description": "Print a marker"}'],
        }),
      },
      { sse: textStream({ model: QWEN, pieces: ['The command ', 'printed the marker.'], prompt: 60, out: 6 }) },
    );

    // -p mode cannot ask for permission: allow Bash up front (it runs in the scratch folder).
    const { code, result, why } = await runClaude(ctx.proxy, 'run echo', { args: ['--allowedTools', 'Bash'] });

    assert.equal(result.is_error, false, why);
    assert.equal(code, 0, why);
    assert.equal(result.result, 'The command printed the marker.');
    assert.equal(result.num_turns, 2);
    assert.deepEqual(result.permission_denials, []);

    const reqs = ctx.upstream.chatRequests().slice(before);
    assert.equal(reqs.length, 2, 'the tool call and the answer after its result');
    const second = lastChatRequest(ctx.upstream).body;
    const assistant = second.messages.at(-2);
    assert.equal(assistant.role, 'assistant');
    assert.equal(assistant.tool_calls.length, 1);
    assert.equal(assistant.tool_calls[0].id, 'call_cc_bash_1');
    assert.equal(assistant.tool_calls[0].function.name, 'Bash');
    assert.equal(JSON.parse(assistant.tool_calls[0].function.arguments).command, 'echo qp-interop-marker');
    const toolMsg = second.messages.at(-1);
    assert.equal(toolMsg.role, 'tool');
    assert.equal(toolMsg.tool_call_id, 'call_cc_bash_1');
    assert.equal(textOf(toolMsg.content).trim(), 'qp-interop-marker');
    assert.equal(ctx.upstream.pending(), 0);
  });

  // Newer Claude Code models (the 2.1.197 default claude-opus-4-8) send the beta
  // mid-conversation-system-2026-04-07 and put some context in {"role": "system"} entries of
  // `messages`; the proxy answers 400 "messages.N.role: expected 'user' or 'assistant'", a wording
  // Claude Code does not recognise as "beta unsupported", so it does not fall back and fails.
  test(
    'print mode: role "system" inside messages (mid-conversation-system beta)',
    {},
    async () => {
      ctx.upstream.enqueue({ sse: textStream({ model: QWEN, pieces: ['Hi!'] }) });
      const { code, result, why } = await runClaude(ctx.proxy, 'say hi', {
        env: { CLAUDE_CODE_FORCE_MID_CONVERSATION_SYSTEM: '1' },
      });
      assert.equal(result.is_error, false, why);
      assert.equal(code, 0, why);
      assert.equal(result.result, 'Hi!');
    },
  );
});

// Most users since the OAuth tier ended: one Coding Plan key, added with `qwen-proxy provider add`.
describe('Claude Code CLI with only a Coding Plan key', () => {
  const ctx = withProxy(() => null, { provider: { id: 'cp', preset: 'coding-plan-intl' } });

  test('a Bash tool round trip reaches the plan with its key, model and DashScope headers', async () => {
    ctx.upstream.enqueue(
      {
        sse: qwenToolCallStream({
          model: QWEN,
          callId: 'call_cp_bash_1',
          name: 'Bash',
          argFragments: ['{"command": "echo cp-', 'marker", "description": "Print a marker"}'],
        }),
      },
      { sse: textStream({ model: QWEN, pieces: ['Printed ', 'cp-marker.'], prompt: 60, out: 6 }) },
    );
    const { code, result, why } = await runClaude(ctx.proxy, 'run echo', { args: ['--allowedTools', 'Bash'] });
    assert.equal(result.is_error, false, why);
    assert.equal(code, 0, why);
    assert.equal(result.result, 'Printed cp-marker.');
    const sent = lastChatRequest(ctx.upstream, CODING_PLAN_KEY);
    assert.equal(sent.body.model, QWEN, "claude-* names get the plan's default model");
    assert.equal(sent.headers['x-dashscope-cachecontrol'], 'enable');
    assert.equal(sent.headers['x-dashscope-authtype'], undefined, 'a key is not an OAuth login');
    const toolMsg = sent.body.messages.at(-1);
    assert.equal(toolMsg.role, 'tool');
    assert.equal(textOf(toolMsg.content).trim(), 'cp-marker');
    assert.match(ctx.proxy.startupLine, /providers cp/);
  });
});
