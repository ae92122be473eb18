#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from the unit tests' own fixtures.

The unit tests hold their inputs inline (raw string literals, QByteArray("...") literals) and in
tests/data; this script lifts them out, shapes each into the target's input format (a leading
option byte, fields separated by 0x1e: tests/fuzz/fuzzsupport.h) and writes one file per input,
named seed-<sha1 prefix>. Re-running it is harmless: the same inputs get the same names. Crash
inputs (crash-<sha>) are added by scripts/fuzz.sh and are never touched here.

Usage: tests/fuzz/make_seeds.py   (from anywhere; writes into the source tree)
"""
import hashlib
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
SEP = b"\x1e"


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def raw_literals(rel):
    """Every C++ raw string literal R"delim(...)delim" in a file."""
    src = read(rel)
    out = []
    for m in re.finditer(r'R"([^(\s]*)\(', src):
        end = src.find(")" + m.group(1) + '"', m.end())
        if end >= 0:
            out.append(src[m.end():end])
    return out


def unescape_c(body):
    """The bytes of the body of a C string literal (the escapes the tests use)."""
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
            continue
        if n in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
            continue
        out += {"n": b"\n", "r": b"\r", "t": b"\t", "v": b"\v", "f": b"\f", "0": b"\0",
                '"': b'"', "'": b"'", "\\": b"\\", "?": b"?"}[n]
        i += 2
    return bytes(out)


def bytearray_literals(rel):
    """QByteArray("..." "...") literals (adjacent pieces joined), as bytes."""
    src = read(rel)
    out = []
    for m in re.finditer(r'QByteArray\(((?:\s*"(?:[^"\\]|\\.)*")+)', src):
        pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
        out.append(b"".join(unescape_c(p) for p in pieces))
    return out


def json_values(texts):
    out = []
    for t in texts:
        try:
            out.append(json.loads(t))
        except ValueError:
            pass
    return out


def dump(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(target, inputs, limit=40):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if name.startswith("seed-"):
            os.remove(os.path.join(d, name))
    seen = set()
    kept = 0
    for data in inputs:
        if data in seen or len(data) > 8192:
            continue
        seen.add(data)
        name = "seed-" + hashlib.sha1(data).hexdigest()[:12]
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        kept += 1
        if kept >= limit:
            break
    print(f"{target}: {kept} seeds")


def option(i):
    """A printable option byte that still varies its low bits: the seeds stay readable."""
    return bytes([0x40 + (i * 7) % 0x3f])


# --- targets ---------------------------------------------------------------------------------

def anthropic_request():
    vals = json_values(raw_literals("tests/core/tst_anthropicrequest.cpp") +
                       raw_literals("tests/core/tst_tokencount.cpp"))
    bodies = []
    for v in vals:
        if isinstance(v, list) and v and isinstance(v[0], dict) and "role" in v[0]:
            bodies.append({"model": "claude-sonnet-4", "max_tokens": 1024, "messages": v})
        elif isinstance(v, dict) and "messages" in v:
            bodies.append(v)
        elif isinstance(v, dict) and ("type" in v or "properties" in v):
            # A tool schema or a block: as a tool's schema and as a message's content.
            bodies.append({"model": "m", "max_tokens": 10,
                           "messages": [{"role": "user", "content": [v]}],
                           "tools": [{"name": "t", "input_schema": v}], "input_schema": v})
        elif isinstance(v, dict):
            bodies.append(dict({"model": "m", "max_tokens": 10,
                                "messages": [{"role": "user", "content": "hi"}]}, **v))
    # Numbers no token count has (undefined behaviour if converted to an integer unchecked).
    bodies.append({"model": "m", "max_tokens": 1e300, "messages": [{"role": "user",
                   "content": "hi"}], "thinking": {"type": "enabled", "budget_tokens": 1e300}})
    deep = {"type": "object"}
    for _ in range(200):
        deep = {"type": "object", "properties": {"x": deep}}
    bodies.append({"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}],
                   "tools": [{"name": "deep", "input_schema": deep}]})
    bodies = bodies[-2:] + bodies[:-2]  # the hand-made ones first: the corpus keeps 40
    return [option(i) + dump(b) for i, b in enumerate(bodies)]


def openai_request():
    vals = json_values(raw_literals("tests/core/tst_openaichat.cpp") +
                       raw_literals("tests/core/tst_quirks.cpp") +
                       raw_literals("tests/core/tst_tokencount.cpp"))
    bodies = []
    for v in vals:
        if isinstance(v, list) and v and isinstance(v[0], dict) and "role" in v[0]:
            bodies.append({"model": "qwen3-coder-plus", "messages": v, "stream": True})
        elif isinstance(v, dict):
            bodies.append(v)
    bodies.append({"model": "m", "messages": [{"role": "user", "content": "hi"}],
                   "tools": [], "tool_choice": "required", "reasoning": {"effort": "low"},
                   "max_tokens": 100000, "enable_thinking": True, "stream": True})
    bodies.append({"model": "m", "messages": [{"role": "user", "content": "hi"}],
                   "max_tokens": 1e300, "reasoning_effort": "none", "stream_options": {}})
    # The client's own spacing matters to the byte-level edit: one pretty-printed too.
    out = [b"\x7f" + json.dumps(bodies[-2], indent=2).encode()]
    bodies = bodies[-2:] + bodies[:-2]  # the hand-made ones first: the corpus keeps 40
    return out + [option(i) + dump(b) for i, b in enumerate(bodies)]


def json_repair():
    texts = raw_literals("tests/core/tst_jsonrepair.cpp")
    texts += ["", "   ", '"{\\"a\\":1}"', "```json\n{\"a\": 1}\n```", "{'a': True, 'b': None,}",
              '{"path": "/tmp/x", "content": "unterminated', "[1, 2]", "{\"a\":\"\\ud800\"}"]
    return [option(i) + t.encode("utf-8") for i, t in enumerate(texts)]


def sse_splitter():
    streams = [b": comment\n\ndata: {\"a\":1}\n\nevent: x\r\ndata:{\"b\":2}\r\n\r\n"
               b"data: line1\ndata: line2\n\nid: 7\ndata: [DONE]\n\n",
               b"data: tail", b"event: message_start\ndata: {}\n\n: ping\n\n",
               b"data:\n\ndata\n\n\r\n\r\ndata: x\r", b"retry: 10\nid: 1\ndata: a\n\n\n\n"]
    streams += [s for s in bytearray_literals("tests/core/tst_ssesplitter.cpp") if b"\n" in s]
    return [option(i) + s for i, s in enumerate(streams)] + [b"\x00" + streams[0],
                                                             b"\x01" + streams[0]]


def chunk(delta, finish=None, **extra):
    c = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "qwen3-coder-plus",
         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    c.update(extra)
    return c


def sse(chunks, done=True):
    body = b"".join(b"data: " + dump(c) + b"\n\n" for c in chunks)
    return body + (b"data: [DONE]\n\n" if done else b"")


def anthropic_stream():
    usage = {"id": "chatcmpl-1", "choices": [], "usage": {"prompt_tokens": 120,
             "completion_tokens": 7, "prompt_tokens_details": {"cached_tokens": 100}}}
    tool = lambda i, id_, name, args: {"tool_calls": [{"index": i, "id": id_, "type": "function",
                                       "function": {"name": name, "arguments": args}}]}
    args = lambda i, a: {"tool_calls": [{"index": i, "function": {"arguments": a}}]}
    streams = [
        sse([chunk({"role": "assistant", "content": ""}), chunk({"content": "Hel"}),
             chunk({"content": "lo"}), chunk({}, "stop"), usage]),
        sse([chunk({"reasoning_content": "Let me think."}), chunk({"content": "Answer"}),
             chunk({}, "stop")]),
        sse([chunk({"content": "<think>\nplan</think>Answer"}), chunk({}, "stop")]),
        sse([chunk(tool(0, "call_1", "Read", "")), chunk(args(0, '{"file_path":')),
             chunk(args(0, ' "/tmp/a"}')), chunk(tool(1, "call_2", "Bash", "{'command': 'ls'")),
             chunk({}, "tool_calls"), usage]),
        sse([chunk({"content": "partial"}), {"error": {"message": "Throttling", "code": "429"}}],
            done=False),
        sse([chunk({"content": "x"}), chunk({}, "error_finish")]),
        sse([chunk({"content": "cut off"})], done=False),
        sse([chunk({"content": "   "}), chunk({"content": "\n"}), chunk({}, "length"),
             {"choices": [], "usage": {"prompt_tokens": 1e300, "completion_tokens": -1}}]),
    ]
    # Every delta the translator's unit tests spell out as JSON, as one chunk each.
    deltas = [v for v in json_values(raw_literals("tests/core/tst_anthropicstream.cpp"))
              if isinstance(v, dict) and ({"content", "reasoning_content", "tool_calls", "role"}
                                          & set(v))]
    streams.append(sse([chunk(d) for d in deltas] + [chunk({}, "stop")]))
    return [bytes([f]) + s for s in streams for f in (0x40, 0x41, 0x42)][:40]


def error_classifier():
    bodies = [s.encode() for s in raw_literals("tests/core/tst_errorclassifier.cpp")]
    bodies += [b"<!DOCTYPE html><html><head><title>Access denied</title></head></html>", b""]
    statuses = [b"429", b"400", b"401", b"403", b"500", b"503", b"529", b"402"]
    waits = [b"", b"5", b"Wed, 21 Oct 2015 07:28:00 GMT", b"Fri, 31 Dec 9999 23:59:59 GMT",
             b"99999999999", b"-1", b" 7 ", b"Fri, 31 Dec 2100 23:59:59 +0000",
             b"123456789012345678901234567890"]
    types = [b"application/json", b"text/html; charset=utf-8", b""]
    out = []
    for i, b in enumerate(bodies):
        out.append(SEP.join([statuses[i % len(statuses)], waits[i % len(waits)],
                             types[i % len(types)], b]))
    for w in waits:
        out.append(SEP.join([b"429", w, b"application/json", bodies[0]]))
    return out


def admission():
    values = bytearray_literals("tests/core/tst_admission.cpp")
    hosts = [v for v in values if not v.startswith(b"http") and len(v) < 200]
    origins = [v for v in values if v.startswith(b"http") or v == b"null"]
    origins = origins or [b"http://localhost:3000"]
    out = []
    for i, h in enumerate(hosts):
        out.append(SEP.join([h, origins[i % len(origins)], b"*.corp.example", b"MyBox"]))
    return out


def http_request():
    reqs = [r for r in bytearray_literals("tests/server/tst_requestparser.cpp")
            if b"HTTP/1." in r]
    reqs.append(b"POST /v1/messages?beta=true HTTP/1.1\r\nHost: localhost:8765\r\n"
                b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                b"5;ext=1\r\nhello\r\n0\r\nX-Trailer: y\r\n\r\n"
                b"GET /health HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n")
    return [option(i) + r for i, r in enumerate(reqs)] + [b"\x00" + reqs[-1]]


def credentials():
    good = {"access_token": "at", "refresh_token": "rt", "token_type": "Bearer",
            "resource_url": "portal.qwen.ai", "expiry_date": 1780000000000}
    files = [good, dict(good, id_token="id"), {"access_token": "x"},
             dict(good, expiry_date=1e300), dict(good, expiry_date=-1e300),
             dict(good, expiry_date=1.5), dict(good, resource_url="https://dashscope/v1/")]
    answers = [{"access_token": "new", "expires_in": 3600},
               {"access_token": "new", "refresh_token": "r2", "expires_in": 1e300,
                "resource_url": "http://x"},
               {"access_token": "new", "expires_in": -1e300}, {"access_token": ""},
               {"access_token": "a", "refresh_token": "b", "endpoint": "chat.qwen.ai"}]
    out = []
    for i, f in enumerate(files):
        out.append(json.dumps(f, indent=2).encode() + SEP + dump(answers[i % len(answers)]))
    return out


def settings():
    files = [v for v in json_values(raw_literals("tests/core/tst_settings.cpp"))
             if isinstance(v, dict)]
    files += [{"port": 1e300}, {"port": -1e300}, {"max_body_bytes": 1.5}, {"port": "8080"},
              {"debug_log": "yes", "host": "0.0.0.0"}]
    envs = [b"", b"1", b"true", b"http://localhost:1", b"99999999999999999999", b"en"]
    out = []
    for i, f in enumerate(files):
        out.append(dump(f) + SEP + envs[i % len(envs)] + SEP + envs[(i + 3) % len(envs)])
    out.append(b"not json" + SEP + SEP)
    return out


def tokenizer():
    data = json.loads(read("tests/data/tokenizer/corpus.json"))
    texts = [e["text"].encode("utf-8") for e in data["entries"] if len(e["text"]) < 4000]
    out = [b"\x00" + t for t in texts]
    out += [b"\x00\xff\xfe\xc3\x28 invalid \xe2\x82 utf-8 \xf0\x9f\x98",
            b"\x00>\xcc\xb8 <|im_end|>\xcc\xb8",  # a combining mark after an added token
            b"\x01" + "lone \ud800 surrogate".encode("utf-16-le", "surrogatepass")]
    return out


TARGETS = {
    "anthropic_request": anthropic_request, "openai_request": openai_request,
    "json_repair": json_repair, "sse_splitter": sse_splitter,
    "anthropic_stream": anthropic_stream, "error_classifier": error_classifier,
    "admission": admission, "http_request": http_request, "credentials": credentials,
    "settings": settings, "tokenizer": tokenizer,
}

if __name__ == "__main__":
    for name, make in TARGETS.items():
        write(name, make())
