// Starts the built qwen-proxy (QP_PROXY_BIN) against a fake upstream, with throw-away HOME,
// QWEN_HOME and data dir so no real credentials or settings are ever read, and loads the pinned
// SDKs with a clear message when `npm ci` has not been run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startFakeUpstream } from './fake-upstream.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const UPSTREAM_KEY = 'sk-interop-upstream-key-123';
// A Coding Plan key for the runs where the upstream is a stored provider, as most users have it.
export const CODING_PLAN_KEY = 'sk-sp-interop-coding-plan-456';

/** Imports an npm SDK from tests/interop/node_modules, failing loudly if it is not installed. */
export async function loadSdk(name) {
  if (!existsSync(path.join(here, 'node_modules', name, 'package.json'))) {
    throw new Error(
      `tests/interop/node_modules/${name} is missing: run \`npm ci\` in tests/interop ` +
        `(${here}) to install the pinned SDKs, then run the interop tests again.`,
    );
  }
  return import(name);
}

function proxyBinary() {
  const bin = process.env.QP_PROXY_BIN;
  if (!bin) throw new Error('QP_PROXY_BIN is not set: point it at the built qwen-proxy binary');
  if (!existsSync(bin)) throw new Error(`QP_PROXY_BIN=${bin} does not exist: build the qwen-proxy target`);
  return bin;
}

const STARTUP_LINE =
  /^Qwen Proxy \S+ listening: OpenAI base URL (http:\/\/127\.0\.0\.1:(\d+)\/v1) {2}Anthropic base URL (http:\/\/127\.0\.0\.1:\d+) {2}upstream: /;

/**
 * Spawns `qwen-proxy serve --port 0` forwarding to `upstreamBaseUrl` with UPSTREAM_KEY and
 * resolves once its start-up line has been read. With `provider` ({id, preset}), the upstream is
 * instead a provider added first the way a user adds one: `qwen-proxy provider add` with
 * CODING_PLAN_KEY on standard input, and no OPENAI_* variables at all. `stop()` sends SIGTERM and resolves with the
 * exit code; `stderr()` returns everything it logged (for assertion messages).
 */
export async function startProxy({ upstreamBaseUrl, env = {}, provider = null, keys = [] }) {
  const bin = proxyBinary();
  const scratch = mkdtempSync(path.join(tmpdir(), 'qp-interop-'));
  const dirs = {
    home: path.join(scratch, 'home'),
    qwenHome: path.join(scratch, 'qwen-home'),
    data: path.join(scratch, 'data'),
  };
  // A minimal environment: nothing from the developer's shell (DEFAULT_MODEL, MODEL_MAP, real
  // keys...) may change what the proxy does in these tests.
  const childEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: dirs.home,
    QWEN_HOME: dirs.qwenHome,
    OPENAI_BASE_URL: upstreamBaseUrl,
    OPENAI_API_KEY: UPSTREAM_KEY,
    ...env,
  };
  for (const d of Object.values(dirs)) mkdirSync(d); // the scratch folder is new: all empty
  if (provider) {
    delete childEnv.OPENAI_BASE_URL;
    delete childEnv.OPENAI_API_KEY;
    childEnv.QP_SECRET_STORE = 'file'; // no keychain in this throw-away HOME
    const added = spawnSync(
      bin,
      ['provider', 'add', provider.id, '--preset', provider.preset, '--base-url', upstreamBaseUrl, '--data-dir', dirs.data],
      { env: childEnv, input: `${CODING_PLAN_KEY}\n`, encoding: 'utf8', timeout: 20000 },
    );
    if (added.status !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`qwen-proxy provider add failed (${added.status}): ${added.stderr}`);
    }
  }

  // Client keys made the way a user makes them (`qwen-proxy keys create`), one per option list.
  const createdKeys = [];
  for (const options of keys) {
    const made = spawnSync(bin, ['keys', 'create', '--json', ...options, '--data-dir', dirs.data], {
      env: childEnv,
      encoding: 'utf8',
      timeout: 20000,
    });
    if (made.status !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`qwen-proxy keys create failed (${made.status}): ${made.stderr}`);
    }
    createdKeys.push(JSON.parse(made.stdout).key);
  }

  const child = spawn(bin, ['serve', '--port', '0', '--data-dir', dirs.data], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderrText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    stderrText += s;
  });
  const stdoutLines = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const lines = createInterface({ input: child.stdout });
  const firstLine = await new Promise((resolve, reject) => {
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`qwen-proxy printed no start-up line in 20 s\n${stderrText}`)), 20000);
    lines.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    exited.then(({ code, signal }) => {
      fail(new Error(`qwen-proxy exited before listening (code ${code}, signal ${signal})\n${stderrText}`));
    });
  });
  lines.on('line', (l) => stdoutLines.push(l));

  const m = STARTUP_LINE.exec(firstLine);
  if (!m) {
    child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`unexpected start-up line from qwen-proxy: ${JSON.stringify(firstLine)}`);
  }
  return {
    keys: createdKeys,
    openaiBaseUrl: m[1],
    port: Number(m[2]),
    anthropicBaseUrl: m[3],
    startupLine: firstLine,
    stdoutLines,
    stderr: () => stderrText,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // A proxy that ignores SIGTERM is a failure to report, not a reason to hang until ctest's
      // timeout: after 15 s it is killed and the caller sees signal SIGKILL.
      const killer = setTimeout(() => child.kill('SIGKILL'), 15000);
      const result = await exited;
      clearTimeout(killer);
      rmSync(scratch, { recursive: true, force: true });
      return result;
    },
  };
}

/**
 * Registers before/after hooks in the current describe(): a fake upstream, a proxy in front of
 * it and `makeClient(proxy)`'s SDK client, all on `ctx`. The proxy must stop cleanly on SIGTERM.
 */
export function withProxy(makeClient, { provider = null, env = {}, keys = [] } = {}) {
  const ctx = {};
  before(async () => {
    ctx.upstream = await startFakeUpstream();
    ctx.proxy = await startProxy({ upstreamBaseUrl: ctx.upstream.baseUrl, provider, env, keys });
    ctx.client = makeClient(ctx.proxy);
  });
  after(async () => {
    // Whatever started must be closed, even after a failed start, or node --test never exits.
    const stopped = ctx.proxy ? await ctx.proxy.stop() : null;
    await ctx.upstream?.close();
    if (stopped) {
      assert.equal(stopped.signal, null, `qwen-proxy died from ${stopped.signal}\n${ctx.proxy.stderr()}`);
      assert.equal(stopped.code, 0, `qwen-proxy exited with ${stopped.code} on SIGTERM\n${ctx.proxy.stderr()}`);
    }
  });
  return ctx;
}

/** The last chat request the upstream received; every forward must carry the upstream key. */
export function lastChatRequest(upstream, key = UPSTREAM_KEY) {
  const reqs = upstream.chatRequests();
  assert.ok(reqs.length > 0, 'the upstream received no chat request');
  const r = reqs.at(-1);
  assert.equal(r.headers.authorization, `Bearer ${key}`);
  return r;
}
