// Opt-in: the real Codex CLI (`codex exec`) through qwen-proxy's /v1/responses, against the fake
// Qwen-style upstream: a shell tool round trip (the command runs, its output goes upstream as a
// tool message right after the call, the answer is printed). The package is ~400 MB, so it is not
// in package.json: install it once with
//   npm install --no-save @openai/codex@0.171.0
// and run with QP_CODEX_BIN=node_modules/.bin/codex. Without QP_CODEX_BIN the test is skipped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { chunk, textStream, usageChunk } from './fake-upstream.mjs';
import { withProxy } from './harness.mjs';

const CODEX = process.env.QP_CODEX_BIN;
const MODEL = 'qwen3-coder-plus';
const MARKER = 'hi-from-the-tool';

// Answers the first turn with a call of whichever shell tool this Codex offers.
function shellCall(body) {
  const names = (body.tools ?? []).map((t) => t.function?.name);
  let name;
  let args;
  if (names.includes('exec_command')) {
    name = 'exec_command';
    args = { cmd: `echo ${MARKER}` };
  } else if (names.includes('shell_command')) {
    name = 'shell_command';
    args = { command: `echo ${MARKER}` };
  } else {
    name = 'shell';
    args = { command: ['bash', '-lc', `echo ${MARKER}`] };
  }
  const id = 'chatcmpl-codex-1';
  const json = JSON.stringify(args);
  return {
    sse: [
      chunk({ id, model: MODEL, delta: { role: 'assistant', content: '' } }),
      chunk({ id, model: MODEL, delta: { tool_calls: [{ index: 0, id: 'call_sh_1', type: 'function', function: { name, arguments: json.slice(0, 5) } }] } }),
      chunk({ id, model: MODEL, delta: { tool_calls: [{ index: 0, function: { arguments: json.slice(5) } }] } }),
      chunk({ id, model: MODEL, delta: {}, finishReason: 'tool_calls' }),
      usageChunk({ id, model: MODEL, prompt: 100, completion: 10 }),
    ],
  };
}

function run(bin, args, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('codex exec through qwen-proxy', { skip: CODEX ? false : 'QP_CODEX_BIN is not set (opt-in, see the file header)' }, () => {
  const ctx = withProxy(() => null);

  test('a shell tool round trip', async () => {
    ctx.upstream.enqueue(shellCall, { sse: textStream({ model: MODEL, pieces: ['The command printed ', MARKER, '.'] }) });
    const scratch = mkdtempSync(path.join(tmpdir(), 'qp-codex-'));
    const home = path.join(scratch, 'home');
    const codexHome = path.join(home, '.codex');
    const work = path.join(scratch, 'work');
    mkdirSync(codexHome, { recursive: true });
    mkdirSync(work);
    // As `qwen-proxy connect codex` writes it: our own provider id (a base_url override of the
    // built-in openai provider is ignored).
    writeFileSync(
      path.join(codexHome, 'config.toml'),
      [
        'model_provider = "qwen-proxy"',
        `model = "${MODEL}"`,
        '',
        '[model_providers.qwen-proxy]',
        'name = "Qwen Proxy"',
        `base_url = "${ctx.proxy.openaiBaseUrl}"`,
        'wire_api = "responses"',
        'experimental_bearer_token = "qwen-proxy"',
        '',
      ].join('\n'),
    );
    try {
      const r = await run(
        CODEX,
        ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', 'Run echo for me'],
        { PATH: process.env.PATH, HOME: home, CODEX_HOME: codexHome, LANG: 'C.UTF-8' },
        work,
      );
      const reqs = ctx.upstream.chatRequests();
      assert.equal(r.code, 0, `codex exec failed (${r.code} ${r.signal})\n${r.stderr}\n${r.stdout}\n${ctx.proxy.stderr()}`);
      assert.equal(reqs.length, 2, JSON.stringify(reqs.map((q) => q.body.messages?.length)));
      const messages = reqs[1].body.messages;
      assert.equal(messages.filter((m) => m.role === 'system').length, 1);
      assert.equal(messages[0].role, 'system');
      const callAt = messages.findIndex((m) => m.tool_calls?.some((c) => c.id === 'call_sh_1'));
      assert.ok(callAt > 0, JSON.stringify(messages));
      assert.equal(messages[callAt + 1].role, 'tool');
      assert.equal(messages[callAt + 1].tool_call_id, 'call_sh_1');
      assert.match(JSON.stringify(messages[callAt + 1].content), new RegExp(MARKER));
      assert.match(r.stdout, new RegExp(`The command printed ${MARKER}`));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
