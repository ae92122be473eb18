// A scripted OpenAI-compatible upstream (POST /v1/chat/completions) on a loopback port.
// Each test queues the answers the proxy will get, in order, then asserts on `requests`: what
// actually reached the upstream after the proxy's translation (key, model, stream options...).
// An unscripted request gets a 500, so a test never passes on a reply it did not plan.
import http from 'node:http';

const CHAT_PATH = '/v1/chat/completions';

export async function startFakeUpstream() {
  const queue = [];
  const requests = [];

  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = { unparsable: raw };
      }
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (req.method !== 'POST' || req.url.split('?')[0] !== CHAT_PATH) {
        sendJson(res, 404, { error: { message: `fake upstream: no route ${req.method} ${req.url}` } });
        return;
      }
      const next = queue.shift();
      if (!next) {
        sendJson(res, 500, { error: { message: 'fake upstream: no scripted response left' } });
        return;
      }
      // A function answers from the request itself (what tools the client offered...).
      const step = typeof next === 'function' ? next(body) : next;
      // delayMs: an answer that takes a while (a request still in flight when the next comes).
      if (step.delayMs) setTimeout(() => respond(res, step), step.delayMs);
      else respond(res, step);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /**
     * Queues answers: {json, status?, headers?}, {sse: [chunk objects | raw strings]}, or a
     * function of the request body returning one of those; any of them with delayMs waits first.
     */
    enqueue(...responses) {
      queue.push(...responses);
    },
    pending() {
      return queue.length;
    },
    /** The chat requests seen so far (ignores anything else the proxy might call). */
    chatRequests() {
      return requests.filter((r) => r.path.split('?')[0] === CHAT_PATH);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res, status, obj, headers = {}) {
  const text = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function respond(res, step) {
  if (step.sse) {
    res.writeHead(step.status ?? 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...(step.headers ?? {}),
    });
    // One write per event, so the proxy sees the stream arrive in pieces as from a real upstream.
    for (const ev of step.sse) {
      res.write(typeof ev === 'string' ? ev : `data: ${JSON.stringify(ev)}\n\n`);
    }
    if (step.done !== false) res.write('data: [DONE]\n\n');
    res.end();
    return;
  }
  sendJson(res, step.status ?? 200, step.json, step.headers ?? {});
}

// ---- builders for the upstream's side of the conversation ----

export const CREATED = 1760000000;

/** A non-streamed chat.completion. */
export function completion({ id = 'chatcmpl-fake-1', model, message, finishReason = 'stop', usage }) {
  return {
    id,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null }],
    usage: usage ?? { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

/** One chat.completion.chunk with a single choice. */
export function chunk({ id = 'chatcmpl-fake-s', model, delta, finishReason = null }) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** The trailing usage chunk Qwen sends with include_usage: no choices at all. */
export function usageChunk({ id = 'chatcmpl-fake-s', model, prompt, completion: out, cached = 0 }) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: out,
      total_tokens: prompt + out,
      prompt_tokens_details: { cached_tokens: cached },
    },
  };
}

/** A streamed text answer split into `pieces`, ending with finish_reason stop and usage. */
export function textStream({ model, pieces, prompt = 20, out = 5, id = 'chatcmpl-fake-s' }) {
  return [
    chunk({ id, model, delta: { role: 'assistant', content: '' } }),
    ...pieces.map((p) => chunk({ id, model, delta: { content: p } })),
    chunk({ id, model, delta: {}, finishReason: 'stop' }),
    usageChunk({ id, model, prompt, completion: out }),
  ];
}

/**
 * A streamed tool call the way Qwen sends it: id, name and the first arguments fragment in one
 * delta; continuation deltas with neither id nor type nor name; finish_reason tool_calls in a
 * chunk of its own; usage last with choices: [].
 */
export function qwenToolCallStream({ model, callId, name, argFragments, id = 'chatcmpl-fake-t', prompt = 40, out = 12 }) {
  const [first, ...rest] = argFragments;
  return [
    chunk({ id, model, delta: { role: 'assistant', content: '' } }),
    chunk({
      id,
      model,
      delta: {
        tool_calls: [{ index: 0, id: callId, type: 'function', function: { name, arguments: first } }],
      },
    }),
    ...rest.map((frag) =>
      chunk({ id, model, delta: { tool_calls: [{ index: 0, function: { arguments: frag } }] } }),
    ),
    chunk({ id, model, delta: {}, finishReason: 'tool_calls' }),
    usageChunk({ id, model, prompt, completion: out }),
  ];
}
